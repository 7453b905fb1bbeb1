package io.portfw.balancing;

import static io.portfw.balancing.TestBackends.CLIENT;
import static io.portfw.balancing.TestBackends.backend;
import static io.portfw.balancing.TestBackends.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

  @Test
  void pick_equalWeights_cyclesInConfigOrder() {
    List<Backend> b = weighted(1, 1, 1);
    LoadBalancer rr = new RoundRobin(b);

    assertThat(picks(rr, 6)).containsExactly(b.get(0), b.get(1), b.get(2), b.get(0), b.get(1), b.get(2));
  }

  @Test
  void pick_weights_areSmoothNotBursty() {
    List<Backend> b = weighted(3, 1);
    LoadBalancer rr = new RoundRobin(b);

    assertThat(picks(rr, 8)).containsExactly(
        b.get(0), b.get(0), b.get(1), b.get(0), b.get(0), b.get(0), b.get(1), b.get(0));
  }

  @Test
  void pick_weightsWithCommonFactor_sameCycleAsReduced() {
    List<Backend> b = weighted(10, 5);
    LoadBalancer rr = new RoundRobin(b);

    assertThat(picks(rr, 6)).containsExactly(b.get(0), b.get(1), b.get(0), b.get(0), b.get(1), b.get(0));
  }

  @Test
  void pick_manyWeights_neverTwiceInARowWhenAvoidable() {
    List<Backend> b = weighted(5, 4, 3, 2, 1);
    LoadBalancer rr = new RoundRobin(b);
    List<Backend> cycle = picks(rr, 15);

    for (int i = 0; i < b.size(); i++) {
      Backend each = b.get(i);
      assertThat(cycle.stream().filter(x -> x == each).count()).isEqualTo(5 - i);
    }
    for (int i = 1; i < cycle.size(); i++) {
      assertThat(cycle.get(i)).as("slot %d repeats slot %d", i, i - 1).isNotSameAs(cycle.get(i - 1));
    }
  }

  @Test
  void pick_unusableBackends_areSkipped() {
    List<Backend> b = weighted(1, 1, 1, 0);
    b.get(1).checks(false);
    LoadBalancer rr = new RoundRobin(b);

    assertThat(picks(rr, 4)).containsOnly(b.get(0), b.get(2));
    b.get(0).admin(AdminState.DRAINING);
    b.get(2).admin(AdminState.DISABLED);
    assertThat(rr.pick(CLIENT)).isNull();
  }

  @Test
  void pick_onlyBackupsLeft_usesBackup() {
    Backend primary = backend(1, 1, false, 0);
    Backend backup = backend(2, 1, true, 0);
    LoadBalancer rr = new RoundRobin(List.of(primary, backup));

    assertThat(picks(rr, 3)).containsOnly(primary);
    primary.checks(false);
    assertThat(picks(rr, 3)).containsOnly(backup);
    primary.checks(true);
    assertThat(rr.pick(CLIENT)).isSameAs(primary);
  }

  @Test
  void pick_triedBackends_areNeverReturned() {
    List<Backend> b = weighted(1, 1, 1);
    LoadBalancer rr = new RoundRobin(b);

    for (int i = 0; i < 6; i++) {
      assertThat(rr.pick(CLIENT, Set.of(b.get(0), b.get(2)))).isSameAs(b.get(1));
    }
    assertThat(rr.pick(CLIENT, Set.copyOf(b))).isNull();
  }

  private static List<Backend> picks(LoadBalancer rr, int n) {
    List<Backend> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(rr.pick(CLIENT));
    }
    return out;
  }
}
