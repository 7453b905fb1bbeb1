package io.portfw.balancing;

import static io.portfw.balancing.TestBackends.CLIENT;
import static io.portfw.balancing.TestBackends.backend;
import static io.portfw.balancing.TestBackends.client;
import static io.portfw.balancing.TestBackends.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules every strategy keeps, whatever its policy. */
class LoadBalancerContractTest {

  static Stream<String> strategies() {
    return LoadBalancers.names().stream().sorted();
  }

  private static LoadBalancer build(String name, List<Backend> backends) {
    SplittableRandom seeded = new SplittableRandom(42);
    return LoadBalancers.byName(name, backends, () -> seeded);
  }

  /** What {@code lb} picks for {@code n} different clients, one after another; nothing is acquired. */
  private static List<Backend> picks(LoadBalancer lb, int n) {
    List<Backend> picked = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      picked.add(lb.pick(client(i)));
    }
    return picked;
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void emptyPool_picksNothing(String name) {
    assertThat(build(name, List.of()).pick(CLIENT)).isNull();
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void singleBackend_isAlwaysPicked(String name) {
    List<Backend> one = weighted(1);
    assertThat(picks(build(name, one), 20)).allSatisfy(picked -> assertThat(picked).isSameAs(one.get(0)));
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void zeroWeightOnly_picksNothing(String name) {
    assertThat(build(name, weighted(0, 0)).pick(CLIENT)).isNull();
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void zeroWeight_neverGetsANewConnection(String name) {
    List<Backend> b = weighted(1, 0, 1);
    assertThat(picks(build(name, b), 300)).allSatisfy(picked -> assertThat(picked).isNotSameAs(b.get(1)));
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void backupOnly_picksTheBackup(String name) {
    Backend backup = backend(1, 1, true, 0);
    assertThat(build(name, List.of(backup)).pick(CLIENT)).isSameAs(backup);
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void backups_onlyWhenNoPrimaryCanTakeIt(String name) {
    List<Backend> b = List.of(backend(0, 1, false, 0), backend(1, 1, false, 1), backend(2, 1, true, 0));
    LoadBalancer lb = build(name, b);
    assertThat(picks(lb, 100)).allSatisfy(picked -> assertThat(picked.isBackup()).isFalse());
    b.get(0).checks(false);
    b.get(1).tryAcquire(); // now full
    assertThat(picks(lb, 100)).allSatisfy(picked -> assertThat(picked).isSameAs(b.get(2)));
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void everyStateButUp_isNeverPicked(String name) {
    List<Backend> b = weighted(1, 1, 1, 1);
    b.get(1).checks(false);
    b.get(2).admin(AdminState.DRAINING);
    b.get(3).admin(AdminState.DISABLED);
    LoadBalancer lb = build(name, b);
    assertThat(picks(lb, 300)).allSatisfy(picked -> assertThat(picked).isSameAs(b.get(0)));
    b.get(0).checks(false);
    assertThat(lb.pick(CLIENT)).isNull();
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void fullBackends_areSkippedAndAllFullPicksNothing(String name) {
    List<Backend> b = List.of(backend(0, 1, false, 1), backend(1, 1, false, 2));
    LoadBalancer lb = build(name, b);
    assertThat(b.get(0).tryAcquire()).isTrue();
    assertThat(picks(lb, 50)).allSatisfy(picked -> assertThat(picked).isSameAs(b.get(1)));
    assertThat(b.get(1).tryAcquire()).isTrue();
    assertThat(b.get(1).tryAcquire()).isTrue();
    assertThat(lb.pick(CLIENT)).isNull();
    b.get(0).release();
    assertThat(lb.pick(CLIENT)).isSameAs(b.get(0));
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void tried_isNeverPickedAgain(String name) {
    List<Backend> b = weighted(1, 2, 3);
    LoadBalancer lb = build(name, b);
    for (int i = 0; i < 100; i++) {
      Set<Backend> tried = new HashSet<>();
      for (int attempt = 0; attempt < 3; attempt++) {
        Backend picked = lb.pick(client(i), tried);
        assertThat(picked).isNotNull().isNotIn(tried);
        tried.add(picked);
      }
      assertThat(lb.pick(client(i), tried)).isNull();
    }
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void thousandBackends_halfDown_picksOnlyUsableAndReachesMany(String name) {
    List<Backend> b = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      b.add(backend(i, 1 + i % 7));
      if (i % 2 == 1) {
        b.get(i).checks(false);
      }
    }
    LoadBalancer lb = build(name, b);
    Set<Backend> reached = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      Backend picked = lb.pick(client(i));
      assertThat(picked.state()).isEqualTo(BackendState.UP);
      assertThat(picked.tryAcquire()).isTrue(); // held open, so the load-aware strategies spread too
      reached.add(picked);
    }
    assertThat(reached.size()).as("distinct backends reached").isGreaterThan(400);
  }
}
