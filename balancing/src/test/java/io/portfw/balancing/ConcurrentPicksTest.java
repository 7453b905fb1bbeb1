package io.portfw.balancing;

import static io.portfw.balancing.TestBackends.client;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Picks, acquires and releases from four threads at once keep every count exact and every limit. */
class ConcurrentPicksTest {

  static Stream<String> strategies() {
    return LoadBalancers.names().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void countsStayExact(String name) throws Exception {
    List<Backend> b = List.of(TestBackends.backend(0, 1, false, 3), TestBackends.backend(1, 2, false, 0),
        TestBackends.backend(2, 3, false, 0), TestBackends.backend(3, 1, true, 0));
    LoadBalancer lb = LoadBalancers.byName(name, b);
    LongAdder acquired = new LongAdder();
    LongAdder overLimit = new LongAdder();
    CyclicBarrier start = new CyclicBarrier(4);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        done.add(threads.submit(() -> {
          start.await();
          List<Backend> held = new ArrayList<>();
          for (int i = 0; i < 20_000; i++) {
            Backend picked = lb.pick(client(seed * 20_000 + i));
            if (picked != null && picked.tryAcquire()) {
              acquired.increment();
              held.add(picked);
              if (b.get(0).activeConnections() > 3) {
                overLimit.increment();
              }
            }
            if (held.size() > 8) {
              held.remove(0).release();
            }
          }
          held.forEach(Backend::release);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(b).allSatisfy(x -> assertThat(x.activeConnections()).isZero());
    assertThat(b.stream().mapToLong(Backend::totalConnections).sum()).isEqualTo(acquired.sum());
    assertThat(overLimit.sum()).isZero();
  }
}
