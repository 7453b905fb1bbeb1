package io.portfw.balancing;

import static io.portfw.balancing.TestBackends.client;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.BackendConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.StickyConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StickyTest {

  private final FakeTicker ticker = new FakeTicker();

  private Pool pool(int maxEntries, BackendConfig... backends) {
    PoolConfig config = new PoolConfig("web", "round-robin", List.of(backends), 2,
        Optional.of(new StickyConfig(Duration.ofMinutes(30), maxEntries)), Duration.ZERO,
        Optional.empty(), Optional.empty());
    return Pools.fromConfig(config, ticker);
  }

  private static BackendConfig primary(int n) {
    return BackendConfig.of(TestBackends.address(n));
  }

  @Test
  void sameClient_keepsItsBackendWhileRoundRobinMovesOn() {
    Pool pool = pool(100, primary(0), primary(1), primary(2));
    Backend first = pool.balancer().pick(client(1));
    for (int i = 0; i < 10; i++) {
      assertThat(pool.balancer().pick(client(1))).isSameAs(first);
      assertThat(pool.balancer().pick(client(100 + i))).isNotNull(); // others turn the wheel
    }
  }

  @Test
  void entryOfABackendThatCannotTakeIt_isIgnoredAndReplaced() {
    Pool pool = pool(100, primary(0), primary(1));
    Backend first = pool.balancer().pick(client(1));
    Backend other = pool.backends().get(0) == first ? pool.backends().get(1) : pool.backends().get(0);

    for (BackendState state : List.of(BackendState.DOWN, BackendState.DRAINING, BackendState.DISABLED)) {
      if (state == BackendState.DOWN) {
        first.checks(false);
      } else {
        first.admin(AdminState.valueOf(state.name()));
      }
      assertThat(first.state()).isEqualTo(state);
      assertThat(pool.balancer().pick(client(1))).as("while %s", state).isSameAs(other);
      first.checks(true);
      first.admin(AdminState.ENABLED);
      // replaced: the client now stays with the other one
      assertThat(pool.balancer().pick(client(1))).isSameAs(other);
      pool.sticky().orElseThrow().remember(client(1).source().getAddress(), first.address());
    }
  }

  @Test
  void homeBackendBrieflyFullOrTried_clientReturnsToItAfterwards() {
    Pool pool = pool(100, new BackendConfig(TestBackends.address(0), 1, false, 1), primary(1));
    Backend home = pool.balancer().pick(client(1));
    assertThat(home).isSameAs(pool.backends().get(0));
    assertThat(home.tryAcquire()).isTrue(); // now full

    assertThat(pool.balancer().pick(client(1))).as("while full").isSameAs(pool.backends().get(1));
    assertThat(pool.balancer().pick(client(1), java.util.Set.of(pool.backends().get(1)))).isNull();

    home.release();
    assertThat(pool.balancer().pick(client(1))).as("room again: back home").isSameAs(home);
    assertThat(pool.balancer().pick(client(1), java.util.Set.of(home))).as("one failed connect")
        .isSameAs(pool.backends().get(1));
    assertThat(pool.balancer().pick(client(1))).isSameAs(home);
  }

  @Test
  void clientOnABackup_returnsToAPrimaryOnceOneIsUp() {
    BackendConfig backup = new BackendConfig(TestBackends.address(9), 1, true, 0);
    Pool pool = pool(100, primary(0), backup);
    pool.backends().get(0).checks(false);
    assertThat(pool.balancer().pick(client(1)).isBackup()).isTrue();

    pool.backends().get(0).checks(true);

    assertThat(pool.balancer().pick(client(1))).isSameAs(pool.backends().get(0));
  }

  @Test
  void onRemember_hearsOfEveryNewHome_butNotOfCarriedClientsOrReturns() {
    Pool pool = pool(100, primary(0), primary(1), primary(2));
    StickyTable table = pool.sticky().orElseThrow();
    Map<java.net.InetAddress, io.portfw.config.BackendAddress> told = new java.util.HashMap<>();
    table.onRemember(told::put);
    table.carry(Map.of(client(7).source().getAddress(), pool.backends().get(2).address()));
    Backend home = pool.balancer().pick(client(1));
    pool.balancer().pick(client(1));
    assertThat(pool.balancer().pick(client(7))).as("the carried client goes where it was").isSameAs(pool.backends().get(2));
    assertThat(told).isEqualTo(Map.of(client(1).source().getAddress(), home.address()));
  }

  @Test
  void entries_expireAfterTtlAndAreBounded() {
    Pool pool = pool(50, primary(0), primary(1), primary(2));
    StickyTable table = pool.sticky().orElseThrow();
    for (int c = 0; c < 200; c++) {
      pool.balancer().pick(client(c));
    }
    assertThat(table.size()).isLessThanOrEqualTo(50);

    ticker.advance(Duration.ofMinutes(31));
    assertThat(table.backendOf(client(199).source().getAddress())).isNull();
    assertThat(table.size()).isZero();
  }

  @Test
  void update_keepsTheTableWhenItsSettingsAreUnchanged() {
    Pool before = pool(100, primary(0), primary(1), primary(2));
    Backend home = before.balancer().pick(client(1));
    PoolConfig same = new PoolConfig("web", "least-connections", List.of(primary(0), primary(1), primary(2)), 2,
        Optional.of(new StickyConfig(Duration.ofMinutes(30), 100)), Duration.ZERO,
        Optional.empty(), Optional.empty());

    Pool after = Pools.update(before, same, ticker);

    assertThat(after.sticky()).containsSame(before.sticky().orElseThrow());
    for (int i = 0; i < 5; i++) {
      assertThat(after.balancer().pick(client(1))).isSameAs(home);
    }
  }
}
