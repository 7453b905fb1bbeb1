package io.portfw.balancing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.PoolConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PoolsTest {

  private static final BackendAddress A = new BackendAddress("10.0.0.11", 80);
  private static final BackendAddress B = new BackendAddress("10.0.0.12", 80);
  private static final BackendAddress C = new BackendAddress("10.0.0.13", 80);

  @Test
  void fromConfig_buildsBackendsInOrderWithTheirSettings() {
    PoolConfig config = new PoolConfig("web", "round-robin", List.of(
        new BackendConfig(A, 10, false, 100), new BackendConfig(C, 1, true, 0)), 3, Optional.empty(),
        Duration.ofSeconds(30), Optional.empty(), Optional.empty());

    Pool pool = Pools.fromConfig(config);

    assertThat(pool.name()).isEqualTo("web");
    assertThat(pool.retries()).isEqualTo(3);
    assertThat(pool.backends()).extracting(Backend::toString).containsExactly("10.0.0.11:80", "10.0.0.13:80");
    assertThat(pool.backends().get(0).settings()).isEqualTo(new Backend.Settings(10, false, 100, Duration.ofSeconds(30)));
    assertThat(pool.backends().get(1).isBackup()).isTrue();
    assertThat(pool.balancer()).isInstanceOf(RoundRobin.class);
    assertThat(pool.sticky()).isEmpty();
  }

  @Test
  void update_keepsLiveBackendsByAddressAndAppliesNewSettings() {
    Pool before = Pools.fromConfig(PoolConfig.of("web", "round-robin", List.of(BackendConfig.of(A), BackendConfig.of(B))));
    Backend a = before.backends().get(0);
    a.tryAcquire();
    a.admin(AdminState.DRAINING);

    Pool after = Pools.update(before, PoolConfig.of("web", "least-connections",
        List.of(new BackendConfig(A, 5, false, 0), BackendConfig.of(C))), com.github.benmanes.caffeine.cache.Ticker.systemTicker());

    assertThat(after.backends().get(0)).isSameAs(a);
    assertThat(a.weight()).isEqualTo(5);
    assertThat(a.activeConnections()).isEqualTo(1);
    assertThat(a.state()).isEqualTo(BackendState.DRAINING);
    assertThat(after.backends().get(1).address()).isEqualTo(C);
    assertThat(after.backends().get(1).activeConnections()).isZero();
    assertThat(after.balancer()).isInstanceOf(LeastConnections.class);
    assertThat(after.balancer().pick(TestBackends.CLIENT)).isSameAs(after.backends().get(1));
  }

  @Test
  void update_sourceHashPoolThatKeepsItsBackends_keepsEveryClientOnItsBackend() {
    List<BackendConfig> three = List.of(BackendConfig.of(A), BackendConfig.of(B), BackendConfig.of(C));
    Pool before = Pools.fromConfig(PoolConfig.of("cache", "source-hash", three));
    Pool after = Pools.update(before, new PoolConfig("cache", "source-hash", three, 5, Optional.empty(), Duration.ZERO,
        Optional.empty(), Optional.empty()),
        com.github.benmanes.caffeine.cache.Ticker.systemTicker());

    assertThat(after.balancer()).isNotSameAs(before.balancer());
    for (int c = 0; c < 5_000; c++) {
      assertThat(after.balancer().pick(TestBackends.client(c))).isSameAs(before.balancer().pick(TestBackends.client(c)));
    }
  }

  @Test
  void update_backendJoiningARunningPool_rampsUpWithSlowStart() {
    FakeTicker ticker = new FakeTicker();
    PoolConfig one = new PoolConfig("web", "least-connections", List.of(BackendConfig.of(A)), 2, Optional.empty(),
        Duration.ofSeconds(60), Optional.empty(), Optional.empty());
    Pool before = Pools.fromConfig(one, ticker);
    assertThat(before.backends().get(0).effectiveWeight()).as("at start: full weight").isEqualTo(Backend.WEIGHT_SCALE);

    Pool after = Pools.update(before, new PoolConfig("web", "least-connections",
        List.of(BackendConfig.of(A), BackendConfig.of(B)), 2, Optional.empty(), Duration.ofSeconds(60),
        Optional.empty(), Optional.empty()), ticker);

    assertThat(after.backends().get(0).effectiveWeight()).isEqualTo(Backend.WEIGHT_SCALE);
    assertThat(after.backends().get(1).effectiveWeight()).as("joined: cold").isEqualTo(1);
    ticker.advance(Duration.ofSeconds(30));
    assertThat(after.backends().get(1).effectiveWeight()).isEqualTo(Backend.WEIGHT_SCALE / 2);
  }

  @Test
  void update_roundRobinGoesOnWhereItWas() {
    List<BackendConfig> three = List.of(BackendConfig.of(A), BackendConfig.of(B), BackendConfig.of(C));
    Pool before = Pools.fromConfig(PoolConfig.of("web", "round-robin", three));
    assertThat(before.balancer().pick(TestBackends.CLIENT).address()).isEqualTo(A);

    Pool after = Pools.update(before, new PoolConfig("web", "round-robin", three, 5, Optional.empty(), Duration.ZERO,
        Optional.empty(), Optional.empty()));

    assertThat(after.balancer().pick(TestBackends.CLIENT).address()).as("not back at the first").isEqualTo(B);
    assertThat(after.balancer().pick(TestBackends.CLIENT).address()).isEqualTo(C);
  }

  @Test
  void names_keepTheirDocumentedOrder() {
    assertThat(LoadBalancers.names())
        .containsExactly("round-robin", "least-connections", "power-of-two", "random", "source-hash");
  }

  @Test
  void byName_unknown_isRefused() {
    assertThatThrownBy(() -> LoadBalancers.byName("fastest", List.of()))
        .hasMessage("no balancing strategy named \"fastest\"");
  }

  @Test
  void allUsableFull_tellsFullFromDown() {
    Pool pool = Pools.fromConfig(PoolConfig.of("web", "round-robin",
        List.of(new BackendConfig(A, 1, false, 1), new BackendConfig(B, 1, false, 0))));
    assertThat(pool.allUsableFull()).isFalse();
    pool.backends().get(1).checks(false);
    assertThat(pool.allUsableFull()).isFalse();
    pool.backends().get(0).tryAcquire();
    assertThat(pool.allUsableFull()).isTrue();
    pool.backends().get(0).checks(false);
    assertThat(pool.allUsableFull()).isFalse();
  }
}
