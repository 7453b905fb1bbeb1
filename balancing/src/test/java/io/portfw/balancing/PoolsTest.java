package io.portfw.balancing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.PoolConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolsTest {

  @Test
  void fromConfig_buildsBackendsInOrderWithTheirSettings() {
    PoolConfig config = new PoolConfig("web", "round-robin", List.of(
        new BackendConfig(new BackendAddress("10.0.0.11", 80), 10, false),
        new BackendConfig(new BackendAddress("10.0.0.13", 80), 1, true)), 3);

    Pool pool = Pools.fromConfig(config);

    assertThat(pool.name()).isEqualTo("web");
    assertThat(pool.retries()).isEqualTo(3);
    assertThat(pool.backends()).extracting(Backend::toString).containsExactly("10.0.0.11:80", "10.0.0.13:80");
    assertThat(pool.backends().get(0).weight()).isEqualTo(10);
    assertThat(pool.backends().get(1).isBackup()).isTrue();
    assertThat(pool.balancer()).isInstanceOf(RoundRobin.class);
  }

  @Test
  void everyStrategyTheConfigAccepts_exists() {
    assertThat(LoadBalancers.names()).containsAll(PoolConfig.BALANCE_NAMES);
  }

  @Test
  void byName_unknown_isRefused() {
    assertThatThrownBy(() -> LoadBalancers.byName("fastest", List.of()))
        .hasMessage("no balancing strategy named \"fastest\"");
  }

  @Test
  void backendCounters_balanceOpensAndCloses() {
    Backend b = new Backend(new BackendAddress("10.0.0.1", 80), 1, false);
    b.connectionOpened();
    b.connectionOpened();
    b.connectionClosed();
    assertThat(b.activeConnections()).isEqualTo(1);
    assertThat(b.totalConnections()).isEqualTo(2);
  }
}
