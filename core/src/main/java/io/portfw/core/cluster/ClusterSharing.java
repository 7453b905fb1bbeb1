package io.portfw.core.cluster;

import static java.util.Objects.requireNonNull;

import io.portfw.balancing.Pool;
import io.portfw.core.listener.LiveListener;
import io.portfw.health.HealthChecks;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.InetAddress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one member of a cluster shares with the others: its sticky tables, its per-source counts
 * and connection rates, and (when {@code shareEjections}) its passive ejections. Made only for a
 * clustered Vert.x ({@link #startIfClustered}); everything runs on one event-loop context of its
 * own, never on a listener's.
 */
public final class ClusterSharing {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSharing.class);

  private final SharedSticky sticky;
  private final GroupSourceCounts sources;
  /** Null unless ejections are shared. */
  private final SharedEjections ejections;

  private ClusterSharing(Vertx vertx, ClusterSecret secret, HealthChecks health, boolean shareEjections) {
    String member = ((VertxInternal) vertx).clusterManager().getNodeId();
    Context context = ((VertxInternal) vertx).createEventLoopContext();
    GroupBus bus = new GroupBus(vertx, secret);
    this.sticky = new SharedSticky(vertx, bus, context, member);
    this.sources = new GroupSourceCounts(vertx, bus, context, member);
    this.ejections = shareEjections ? new SharedEjections(bus, context, member, health) : null;
    LOG.info("cluster: member {} shares sticky tables and per-source counts{} with the group", member,
        shareEjections ? " and passive ejections" : "");
  }

  /**
   * Starts sharing when {@code vertx} is clustered; null when it is not (an instance alone makes
   * nothing of this: no timers, no consumers). Every message is sealed with {@code secret}'s tag.
   */
  public static ClusterSharing startIfClustered(Vertx vertx, String secret, HealthChecks health,
      boolean shareEjections) {
    requireNonNull(vertx, "vertx");
    requireNonNull(secret, "secret");
    requireNonNull(health, "health");
    if (!vertx.isClustered()) {
      return null;
    }
    ClusterSharing sharing = new ClusterSharing(vertx, new ClusterSecret(secret), health, shareEjections);
    sharing.sticky.start();
    sharing.sources.start();
    if (sharing.ejections != null) {
      sharing.ejections.start();
    }
    return sharing;
  }

  /** Follows the running pools and listeners after a start, a reload or a runtime change. */
  public void apply(Map<String, Pool> pools, Map<String, LiveListener> listeners) {
    Map<String, Pool> p = Map.copyOf(pools);
    sticky.apply(p);
    sources.apply(Map.copyOf(listeners));
    if (ejections != null) {
      ejections.apply(p);
    }
  }

  /**
   * Connections from {@code source} open on the other members' listener of that name, as last heard
   * here. Read through this room: {@code runtime} may not use {@code filter}, where the door keeps them.
   */
  public int openElsewhere(LiveListener listener, InetAddress source) {
    return listener.admission().openElsewhere(source);
  }

  /** Stops sharing: consumers unregistered, timers cancelled; what was learnt stays in the tables. */
  public Future<Void> close() {
    Future<Void> e = ejections == null ? Future.succeededFuture() : ejections.close();
    return Future.all(sticky.close(), sources.close(), e).mapEmpty();
  }
}
