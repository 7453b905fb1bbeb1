package io.portfw.core.cluster;

import static java.util.Objects.requireNonNull;

import io.portfw.config.ClusterConfig;
import io.portfw.config.Hosts;
import io.portfw.core.observe.PortfwMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This portfw as a member of its cluster: the clustered Vert.x it runs on (Hazelcast underneath,
 * built by {@link HazelcastSetup}), the group it sees ({@link ClusterMembers}) and the operator
 * changes it shares ({@link SharedRuntimeChanges}). Only made when the config has {@code cluster}.
 */
public final class ClusterNode {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  /** How long joining may take before the start fails: Hazelcast waits a few seconds for others first. */
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

  private final ClusterConfig config;
  private final ClusterMembers members;
  private final SharedRuntimeChanges changes;

  private ClusterNode(ClusterConfig config, ClusterMembers members, SharedRuntimeChanges changes) {
    this.config = config;
    this.members = members;
    this.changes = changes;
  }

  /**
   * A clustered Vert.x with {@code options}, its cluster port bound where {@code listen} says and
   * its event bus on the next port of the same address; blocks until joined (or alone, when no
   * member answers). Throws with where and why when it cannot start.
   */
  public static Vertx clusteredVertx(VertxOptions options, ClusterConfig cluster) {
    requireNonNull(cluster, "cluster");
    String host = cluster.listen().host();
    int busPort = cluster.listen().port() + 1;
    options.setEventBusOptions(new EventBusOptions().setHost(host).setPort(busPort).setClusterPublicHost(host)
        .setClusterPublicPort(busPort));
    // Before Hazelcast's first log line, else its first warnings go to java.util.logging.
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    ClusterSecret secret = new ClusterSecret(cluster.secret());
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastSetup.config(cluster, secret));
    try {
      Vertx vertx = Vertx.builder().with(options).withClusterManager(manager).buildClustered()
          .toCompletionStage().toCompletableFuture().get(JOIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      LOG.info("cluster {}: member at {} (event bus {}), {} member(s) in the cluster now", cluster.name(),
          Hosts.hostPort(host, cluster.listen().port()), Hosts.hostPort(host, busPort), manager.getNodes().size());
      return vertx;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("cluster: cannot start on " + Hosts.hostPort(host, cluster.listen().port())
          + " (event bus port " + busPort + "): " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cluster: not started on " + Hosts.hostPort(host, cluster.listen().port())
          + " within " + JOIN_TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("cluster: interrupted while starting", e);
    }
  }

  /**
   * Starts the heartbeats and listens for the others' operator changes on a clustered Vert.x;
   * {@code configHash} is this member's config hash now, {@code target} where others' changes apply.
   */
  public static Future<ClusterNode> start(Vertx vertx, ClusterConfig config, Supplier<String> configHash,
      PortfwMetrics metrics, ClusterChangeTarget target) {
    ClusterSecret secret = new ClusterSecret(config.secret());
    String address = Hosts.hostPort(config.listen().host(), config.listen().port());
    ClusterMembers members = new ClusterMembers(vertx, config.name(), address, secret, configHash, version(), metrics);
    SharedRuntimeChanges changes = new SharedRuntimeChanges(vertx, config.name(), secret, members.selfId(), address,
        target);
    ClusterNode node = new ClusterNode(config, members, changes);
    // Back in contact after being alone: what the group changed meanwhile is applied here too.
    members.onContact(() -> changes.catchUp());
    return changes.start().map(v -> {
      members.start();
      return node;
    });
  }

  /** Applies the operator changes the group kept (after the listeners and pools run). */
  public Future<Integer> catchUp() {
    return changes.catchUp();
  }

  public ClusterStatus status() {
    return members.status();
  }

  /** Where this member's own operator changes are published. */
  public SharedRuntimeChanges changes() {
    return changes;
  }

  public ClusterConfig config() {
    return config;
  }

  /** Stops the heartbeats and listening; the clustered Vert.x leaves the cluster when it closes. */
  public void stop() {
    members.stop();
    changes.stop();
  }

  /** The portfw version, as the build wrote it into {@code git.properties}. */
  static String version() {
    try (InputStream in = ClusterNode.class.getClassLoader().getResourceAsStream("git.properties")) {
      if (in != null) {
        Properties build = new Properties();
        build.load(in);
        String version = build.getProperty("git.build.version");
        String commit = build.getProperty("git.commit.id.abbrev");
        if (version != null) {
          return commit == null || commit.isBlank() ? version : version + " (" + commit + ")";
        }
      }
    } catch (IOException e) {
      // falls through to the manifest
    }
    String version = ClusterNode.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }
}
