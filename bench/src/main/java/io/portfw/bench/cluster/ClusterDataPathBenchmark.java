package io.portfw.bench.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.Pool;
import io.portfw.balancing.Pools;
import io.portfw.bench.BenchmarkDefaults;
import io.portfw.bench.ThreadCursor;
import io.portfw.config.AclConfig;
import io.portfw.config.ConfigLoader;
import io.portfw.config.LimitsConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.core.cluster.ClusterSharing;
import io.portfw.core.filter.Admission;
import io.portfw.core.listener.LiveListener;
import io.portfw.core.observe.Refusal;
import io.portfw.health.HealthChecks;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What clustering adds to the data path of one new connection: the door (per-source limit, and
 * connection rate) and a sticky pick of a client new to the table, for an instance alone and for
 * a member of a (one-member, loopback) Hazelcast cluster whose {@link ClusterSharing} runs for
 * real: its hooks on the table and the door, its exchange timers and event bus in the background.
 *
 * <p>Run: {@code mvn -pl bench -am package -DskipTests && java -jar bench/target/benchmarks.jar ClusterDataPathBenchmark}
 */
@State(Scope.Benchmark)
public class ClusterDataPathBenchmark extends BenchmarkDefaults {

  @Param({"alone", "clustered"})
  public String mode;

  private static final LimitsConfig PER_SOURCE = new LimitsConfig(0, 1_000, 0);
  private static final LimitsConfig RATE = new LimitsConfig(0, 0, 1_000_000);

  private Vertx vertx;
  private ClusterSharing sharing;
  private Admission door;
  private Pool pool;
  private InetAddress[] sources;
  private ClientContext[] clients;

  @Setup
  public void setUp() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "listeners": [ { "name": "web", "listen": "127.0.0.1:8080", "pool": "web" } ],
          "pools": [ { "name": "web", "sticky": { "maxEntries": 4096 },
            "backends": [ { "address": "10.0.0.1:80" }, { "address": "10.0.0.2:80" }, { "address": "10.0.0.3:80" } ] } ] }
        """, "bench");
    LiveListener live = new LiveListener(config.listeners().get(0));
    pool = Pools.fromConfig(config.pools().get(0));
    door = live.admission();
    sources = new InetAddress[1024];
    Map<InetAddress, Integer> elsewhere = new HashMap<>();
    for (int i = 0; i < sources.length; i++) {
      sources[i] = InetAddress.getByAddress(new byte[] {10, (byte) 200, (byte) (i >>> 8), (byte) i});
      elsewhere.put(sources[i], 1 + i % 3);
    }
    clients = new ClientContext[1 << 16];
    for (int i = 0; i < clients.length; i++) {
      InetAddress ip = InetAddress.getByAddress(new byte[] {10, 100, (byte) (i >>> 8), (byte) i});
      clients[i] = new ClientContext(new InetSocketAddress(ip, 40000), "web", 8080);
    }
    if (mode.equals("clustered")) {
      vertx = clustered();
      sharing = ClusterSharing.startIfClustered(vertx, "a-secret-of-the-benchmark", new HealthChecks(vertx), true);
      sharing.apply(Map.of("web", pool), Map.of("web", live));
      Thread.sleep(500); // the sharing's context has joined the door and hooked the table
      door.openElsewhere(elsewhere); // as if the other members had connections from every source
    } else {
      vertx = Vertx.vertx();
    }
  }

  private static Vertx clustered() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Config hz = new Config().setClusterName("portfw-bench-" + UUID.randomUUID())
        .setProperty("hazelcast.phone.home.enabled", "false").setProperty("hazelcast.logging.type", "none")
        .setProperty("hazelcast.wait.seconds.before.join", "0");
    NetworkConfig network = hz.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
    return Vertx.builder().with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
        .withClusterManager(new HazelcastClusterManager(hz)).buildClustered()
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @TearDown
  public void tearDown() throws Exception {
    if (sharing != null) {
      sharing.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }


  /** A connection let in under a per-source limit, and out again. */
  @Benchmark
  public Refusal admitAndLeave(ThreadCursor cursor) {
    return throughTheDoor(cursor, PER_SOURCE);
  }

  /** A connection let in under a connection rate, and out again. */
  @Benchmark
  public Refusal admitUnderRateAndLeave(ThreadCursor cursor) {
    return throughTheDoor(cursor, RATE);
  }

  private Refusal throughTheDoor(ThreadCursor cursor, LimitsConfig limits) {
    InetAddress source = sources[cursor.next++ & 1023];
    Refusal r = door.admit(source, AclConfig.OPEN, limits);
    if (r == null) {
      door.left(source);
    }
    return r;
  }

  /** A sticky pick for a client the table does not hold (65,536 clients, 4,096 entries): it is remembered. */
  @Benchmark
  public Backend stickyPickOfANewClient(ThreadCursor cursor) {
    return pool.balancer().pick(clients[cursor.next++ & 0xffff]);
  }
}
