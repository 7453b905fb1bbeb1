package io.portfw.balancing;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.BackendAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

  private static final ClientContext CLIENT =
      new ClientContext(new InetSocketAddress("127.0.0.1", 40000), "web", 8080);

  @Test
  void pick_equalWeights_cyclesInConfigOrder() {
    List<Backend> b = backends(1, 1, 1);
    LoadBalancer rr = new RoundRobin(b);

    assertThat(picks(rr, 6)).containsExactly(b.get(0), b.get(1), b.get(2), b.get(0), b.get(1), b.get(2));
  }

  @Test
  void pick_weights_areSmoothNotBursty() {
    List<Backend> b = backends(3, 1);
    LoadBalancer rr = new RoundRobin(b);

    assertThat(picks(rr, 8)).containsExactly(
        b.get(0), b.get(0), b.get(1), b.get(0), b.get(0), b.get(0), b.get(1), b.get(0));
  }

  @Test
  void pick_unusableBackends_areSkipped() {
    List<Backend> b = backends(1, 1, 1, 0);
    b.get(1).state(BackendState.DOWN);
    LoadBalancer rr = new RoundRobin(b);

    assertThat(picks(rr, 4)).containsOnly(b.get(0), b.get(2));
    b.get(0).state(BackendState.DRAINING);
    b.get(2).state(BackendState.DISABLED);
    assertThat(rr.pick(CLIENT)).isNull();
  }

  @Test
  void pick_onlyBackupsLeft_usesBackup() {
    Backend primary = backend("10.0.0.1", 1, false);
    Backend backup = backend("10.0.0.2", 1, true);
    LoadBalancer rr = new RoundRobin(List.of(primary, backup));

    assertThat(picks(rr, 3)).containsOnly(primary);
    primary.state(BackendState.DOWN);
    assertThat(picks(rr, 3)).containsOnly(backup);
    primary.state(BackendState.UP);
    assertThat(rr.pick(CLIENT)).isSameAs(primary);
  }

  @Test
  void pick_triedBackends_areNeverReturned() {
    List<Backend> b = backends(1, 1, 1);
    LoadBalancer rr = new RoundRobin(b);

    for (int i = 0; i < 6; i++) {
      assertThat(rr.pick(CLIENT, Set.of(b.get(0), b.get(2)))).isSameAs(b.get(1));
    }
    assertThat(rr.pick(CLIENT, Set.copyOf(b))).isNull();
  }

  @Test
  void pick_triedPrimaries_fallBackToBackups() {
    Backend primary = backend("10.0.0.1", 1, false);
    Backend backup = backend("10.0.0.2", 1, true);
    LoadBalancer rr = new RoundRobin(List.of(primary, backup));

    assertThat(rr.pick(CLIENT, Set.of(primary))).isSameAs(backup);
  }

  @Test
  void pick_emptyPool_isNull() {
    assertThat(new RoundRobin(List.of()).pick(CLIENT)).isNull();
  }

  @Test
  void pick_fromManyThreads_keepsExactProportions() throws Exception {
    List<Backend> b = backends(3, 1);
    LoadBalancer rr = new RoundRobin(b);
    Map<Backend, LongAdder> counts = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 10_000; i++) {
            counts.computeIfAbsent(rr.pick(CLIENT), k -> new LongAdder()).increment();
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(counts.get(b.get(0)).sum()).isEqualTo(30_000);
    assertThat(counts.get(b.get(1)).sum()).isEqualTo(10_000);
  }

  private static List<Backend> picks(LoadBalancer rr, int n) {
    List<Backend> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(rr.pick(CLIENT));
    }
    return out;
  }

  private static List<Backend> backends(int... weights) {
    List<Backend> out = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      out.add(backend("10.0.0." + (i + 1), weights[i], false));
    }
    return out;
  }

  private static Backend backend(String host, int weight, boolean backup) {
    return new Backend(new BackendAddress(host, 80), weight, backup);
  }
}
