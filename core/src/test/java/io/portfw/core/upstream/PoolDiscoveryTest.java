package io.portfw.core.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How SRV weights (0-65535) become backend weights (1-256). */
class PoolDiscoveryTest {

  @Test
  void weight_keepsSmallWeights_andScalesLargeOnesInProportion() {
    assertThat(PoolDiscovery.weight(3, 3)).isEqualTo(3);
    assertThat(PoolDiscovery.weight(256, 256)).isEqualTo(256);
    assertThat(PoolDiscovery.weight(65535, 65535)).isEqualTo(256);
    assertThat(PoolDiscovery.weight(16384, 65535)).isEqualTo(64);
    assertThat(PoolDiscovery.weight(1000, 1000)).isEqualTo(256);
    assertThat(PoolDiscovery.weight(250, 1000)).isEqualTo(64);
  }

  @Test
  void weight_zeroKeepsASmallShare_asRfc2782Asks() {
    assertThat(PoolDiscovery.weight(0, 10)).isEqualTo(1);
    assertThat(PoolDiscovery.weight(0, 0)).isEqualTo(1);
    assertThat(PoolDiscovery.weight(1, 65535)).isEqualTo(1);
  }
}
