package io.portfw.bench.balancing;

import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.LoadBalancer;
import io.portfw.balancing.LoadBalancers;
import io.portfw.bench.BenchmarkDefaults;
import io.portfw.config.BackendAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The cost of one pick, per strategy and pool size, from one thread and from two at once
 * (the event loops of a 2-core machine).
 *
 * <p>Run: {@code mvn -pl bench -am package -DskipTests && java -jar bench/target/benchmarks.jar PickBenchmark}
 */
@State(Scope.Benchmark)
public class PickBenchmark extends BenchmarkDefaults {

  @Param({"round-robin"})
  public String strategy;

  @Param({"3", "30", "300"})
  public int backends;

  private LoadBalancer balancer;
  private ClientContext client;

  @Setup
  public void setUp() {
    List<Backend> list = new ArrayList<>();
    for (int i = 0; i < backends; i++) {
      list.add(new Backend(new BackendAddress("10.0." + (i / 250) + "." + (i % 250 + 1), 80), 1 + i % 4, false));
    }
    balancer = LoadBalancers.byName(strategy, list);
    client = new ClientContext(new InetSocketAddress("127.0.0.1", 40000), "bench", 8080);
  }

  @Benchmark
  public Backend pick() {
    return balancer.pick(client);
  }

  @Benchmark
  @Threads(2)
  public Backend pickFromTwoThreads() {
    return balancer.pick(client);
  }
}
