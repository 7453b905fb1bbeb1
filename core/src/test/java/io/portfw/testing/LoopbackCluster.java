package io.portfw.testing;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Clustered Vert.x instances in this JVM, on Hazelcast over 127.0.0.1 only: TCP-IP join on
 * explicit free ports, no multicast, no phone-home, a cluster name of their own so that two
 * tests never meet. Each {@link #join} adds a member.
 */
public final class LoopbackCluster implements AutoCloseable {

  private final String name = "portfw-test-" + UUID.randomUUID();
  private final List<Integer> ports = new ArrayList<>();
  private final List<Vertx> members = new ArrayList<>();

  /** A cluster of up to {@code size} members, whose ports are chosen now. */
  public LoopbackCluster(int size) {
    for (int i = 0; i < size; i++) {
      ports.add(Ports.free());
    }
  }

  /** Starts the next member and waits until it is in the cluster (a few seconds at most on loopback). */
  public Vertx join() throws Exception {
    int port = ports.get(members.size());
    Config hz = new Config().setClusterName(name)
        .setProperty("hazelcast.phone.home.enabled", "false")
        .setProperty("hazelcast.logging.type", "slf4j")
        .setProperty("hazelcast.shutdownhook.enabled", "false")
        .setProperty("hazelcast.wait.seconds.before.join", "0");
    NetworkConfig network = hz.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true)
        .setMembers(ports.stream().map(p -> "127.0.0.1:" + p).toList());
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true)
            .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors()))
            .setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0).setClusterPublicHost("127.0.0.1")))
        .withClusterManager(new HazelcastClusterManager(hz))
        .buildClustered().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    members.add(vertx);
    // In the cluster once it and the first member (which stays) see the same group: members that joined
    // and stopped since are no longer counted.
    Vertx first = members.get(0);
    Eventually.holds(java.time.Duration.ofSeconds(30), "member " + members.size() + " in the cluster",
        () -> vertx == first || nodes(vertx) > 1 && nodes(vertx) == nodes(first));
    return vertx;
  }

  private static int nodes(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager().getNodes().size();
  }

  /** Closes every member still open (a runtime's stop closes its own). */
  @Override
  public void close() {
    for (Vertx v : members) {
      try {
        v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception alreadyClosed) {
        // closed by the runtime that owned it
      }
    }
  }
}
