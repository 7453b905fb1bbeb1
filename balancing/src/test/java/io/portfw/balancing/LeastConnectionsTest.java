package io.portfw.balancing;

import static io.portfw.balancing.TestBackends.CLIENT;
import static io.portfw.balancing.TestBackends.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {

  @Test
  void pick_fewestActiveForItsWeightWins() {
    List<Backend> b = weighted(1, 1, 4);
    LoadBalancer lc = new LeastConnections(b);
    acquire(b.get(0), 1);
    acquire(b.get(1), 2);
    acquire(b.get(2), 6); // (6+1)/4 = 1.75 < (1+1)/1 = 2

    assertThat(lc.pick(CLIENT)).isSameAs(b.get(2));
    acquire(b.get(2), 2); // (8+1)/4 = 2.25 > 2
    assertThat(lc.pick(CLIENT)).isSameAs(b.get(0));
  }

  @Test
  void pick_tiesAreSharedNotAlwaysTheFirst() {
    List<Backend> b = weighted(1, 1, 1);
    LoadBalancer lc = new LeastConnections(b);
    Map<Backend, Integer> count = new IdentityHashMap<>();

    for (int i = 0; i < 300; i++) {
      count.merge(lc.pick(CLIENT), 1, Integer::sum); // nothing acquired: every pick is a three-way tie
    }

    assertThat(count.values()).containsExactlyInAnyOrder(100, 100, 100);
  }

  @Test
  void pick_releasedConnections_countAgain() {
    List<Backend> b = weighted(1, 1);
    LoadBalancer lc = new LeastConnections(b);
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
