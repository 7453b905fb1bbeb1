package io.portfw.balancing;

import static io.portfw.balancing.TestBackends.CLIENT;
import static io.portfw.balancing.TestBackends.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {

  private static LoadBalancer leastConnections(List<Backend> b) {
    SplittableRandom seeded = new SplittableRandom(11);
    return new LeastConnections(b, () -> seeded);
  }

  @Test
  void pick_fewestActiveForItsWeightWins() {
    List<Backend> b = weighted(1, 1, 4);
    LoadBalancer lc = leastConnections(b);
    acquire(b.get(0), 1);
    acquire(b.get(1), 2);
    acquire(b.get(2), 3); // 3/4 < 1/1 < 2/1

    assertThat(lc.pick(CLIENT)).isSameAs(b.get(2));
    acquire(b.get(2), 2); // 5/4 > 1/1
    assertThat(lc.pick(CLIENT)).isSameAs(b.get(0));
  }

  @Test
  void pick_tiesAreSharedNotAlwaysTheFirst() {
    List<Backend> b = weighted(1, 1, 1, 1);
    acquire(b.get(2), 1);
    acquire(b.get(3), 1); // b0 and b1 tie for least, b2 and b3 are busier
    LoadBalancer lc = leastConnections(b);
    Map<Backend, Integer> count = new IdentityHashMap<>();

    for (int i = 0; i < 1000; i++) {
      count.merge(lc.pick(CLIENT), 1, Integer::sum);
    }

    assertThat(count.keySet()).containsOnly(b.get(0), b.get(1));
    assertThat(count.get(b.get(0))).isBetween(430, 570); // 500 expected; about 4.5 standard deviations
  }

  @Test
  void pick_lightTraffic_sharesFollowTheWeights() {
    List<Backend> b = weighted(1, 3);
    LoadBalancer lc = leastConnections(b);
    int light = 0;
    for (int i = 0; i < 4000; i++) {
      Backend picked = lc.pick(CLIENT); // each connection ends before the next: everyone idle
      if (picked == b.get(0)) {
        light++;
      }
    }
    assertThat(light).isBetween(880, 1120); // a quarter of 4000, about 4.5 standard deviations
  }

  @Test
  void pick_releasedConnections_countAgain() {
    List<Backend> b = weighted(1, 1);
    LoadBalancer lc = leastConnections(b);
    acquire(b.get(0), 3);
    assertThat(lc.pick(CLIENT)).isSameAs(b.get(1));
    b.get(0).release();
    b.get(0).release();
    b.get(0).release();
    acquire(b.get(1), 1);
    assertThat(lc.pick(CLIENT)).isSameAs(b.get(0));
  }

  private static void acquire(Backend b, int n) {
    for (int i = 0; i < n; i++) {
      assertThat(b.tryAcquire()).isTrue();
    }
  }
}
