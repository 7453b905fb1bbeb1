package io.portfw.bench.balancing;

import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.LoadBalancer;
import io.portfw.balancing.LoadBalancers;
import io.portfw.bench.BenchmarkDefaults;
import io.portfw.bench.ThreadCursor;
import io.portfw.config.BackendAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The cost of placing one connection: a pick, the backend's acquire and its release, per
 * strategy and pool size, from one thread and from four at once (more event loops than a 2-core
 * machine has, to show contention). Clients vary over 1,024 addresses so source-hash is not
 * measured on one hot table slot.
 *
 * <p>Run: {@code mvn -pl bench -am package -DskipTests && java -jar bench/target/benchmarks.jar PickBenchmark}
 */
@State(Scope.Benchmark)
public class PickBenchmark extends BenchmarkDefaults {

  @Param({"round-robin", "least-connections", "power-of-two", "random", "source-hash"})
  public String strategy;

  @Param({"3", "30", "300"})
  public int backends;

  private LoadBalancer balancer;
  private ClientContext[] clients;

  @Setup
  public void setUp() throws UnknownHostException {
    Backend[] list = new Backend[backends];
    for (int i = 0; i < backends; i++) {
      list[i] = new Backend(new BackendAddress("10.0." + (i / 250) + "." + (i % 250 + 1), 80), 1 + i % 4, false);
    }
    balancer = LoadBalancers.byName(strategy, java.util.List.of(list));
    clients = new ClientContext[1024];
    for (int i = 0; i < clients.length; i++) {
      InetAddress ip = InetAddress.getByAddress(new byte[] {10, (byte) 200, (byte) (i >>> 8), (byte) i});
      clients[i] = new ClientContext(new InetSocketAddress(ip, 40000), "bench", 8080);
    }
  }


  @Benchmark
  public Backend pickAndRelease(ThreadCursor cursor) {
    return place(cursor);
  }

  @Benchmark
  @Threads(4)
  public Backend pickAndReleaseFromFourThreads(ThreadCursor cursor) {
    return place(cursor);
  }

  private Backend place(ThreadCursor cursor) {
    Backend b = balancer.pick(clients[cursor.next++ & 1023]);
    if (b.tryAcquire()) {
      b.release();
    }
    return b;
  }
}
