package io.portfw.core.cluster;

import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.health.HealthChecks;
import io.portfw.health.OutlierDetector;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Passive ejections shared by the group ({@code cluster.shareEjections}): a backend ejected by
 * passive checking here is published with what is left of its cool-down, and every other member
 * keeps it out for that time, by the same path a take-over carries ejections on. A member whose
 * pool has no {@code outlier} checks ignores it.
 */
final class SharedEjections {

  static final String ADDRESS = "portfw.cluster.ejections";

  private final GroupBus bus;
  private final Context context;
  private final String member;
  private final HealthChecks health;
  private volatile Map<String, Pool> pools = Map.of();
  private MessageConsumer<JsonObject> consumer;

  SharedEjections(GroupBus bus, Context context, String member, HealthChecks health) {
    this.bus = bus;
    this.context = context;
    this.member = member;
    this.health = health;
  }

  /** Starts listening and telling; the future completes once the group's ejections reach this member. */
  Future<Void> start() {
    Promise<Void> listening = Promise.promise();
    context.runOnContext(v -> {
      consumer = bus.consumer(ADDRESS, this::received);
      consumer.completion().onComplete(listening);
    });
    health.onEjection((pool, e) -> bus.publish(ADDRESS, new JsonObject().put("from", member)
        .put("pool", pool).put("backend", e.backend().toString()).put("remainingMillis", e.remainingMillis())
        .put("steps", e.steps())));
    return listening.future();
  }

  void apply(Map<String, Pool> running) {
    this.pools = running;
  }

  private void received(JsonObject body) {
    String from = body.getString("from");
    String pool = body.getString("pool");
    if (from == null || from.equals(member) || pool == null) {
      return;
    }
    Backend backend = Received.backend(pools.get(pool), body.getString("backend"));
    long remaining = body.getLong("remainingMillis", 0L);
    if (backend != null && remaining > 0) {
      health.carryEjection(pool, new OutlierDetector.Ejection(backend.address(), remaining,
          Math.max(1, body.getInteger("steps", 1))), "ejected by cluster member " + from);
    }
  }

  Future<Void> close() {
    health.onEjection(null);
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> (consumer == null ? Future.<Void>succeededFuture() : consumer.unregister())
        .onComplete(closed));
    return closed.future();
  }
}
