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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Passive ejections shared by the group ({@code cluster.shareEjections}): a backend ejected by
 * passive checking here is published with what is left of its cool-down, and every other member
 * keeps it out for that time, by the same path a take-over carries ejections on. A member whose
 * pool has no {@code outlier} checks ignores it. A member that joins says hello once its pools run,
 * and each member sends it the ejections in force there, to it alone.
 */
final class SharedEjections {

  static final String ADDRESS = "portfw.cluster.ejections";
  static final String HELLO = ADDRESS + ".hello";

  private final GroupBus bus;
  private final Context context;
  private final String member;
  private final HealthChecks health;
  private volatile Map<String, Pool> pools = Map.of();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final Promise<Void> listening = Promise.promise();
  /** Confined to the context. */
  private boolean greeted;

  SharedEjections(GroupBus bus, Context context, String member, HealthChecks health) {
    this.bus = bus;
    this.context = context;
    this.member = member;
    this.health = health;
  }

  /** Starts listening and telling; the future completes once the group's ejections reach this member. */
  Future<Void> start() {
    context.runOnContext(v -> {
      consumers.add(bus.consumer(ADDRESS, this::received));
      consumers.add(bus.consumer(ADDRESS + "." + member, this::received));
      consumers.add(bus.consumer(HELLO, this::hello));
      Future.all(consumers.stream().map(MessageConsumer::completion).toList()).<Void>mapEmpty().onComplete(listening);
    });
    health.onEjection((pool, e) -> bus.publish(ADDRESS, message(pool, e)));
    return listening.future();
  }

  private JsonObject message(String pool, OutlierDetector.Ejection e) {
    return new JsonObject().put("from", member).put("pool", pool).put("backend", e.backend().toString())
        .put("remainingMillis", e.remainingMillis()).put("steps", e.steps());
  }

  /** Follows the running pools; the first time they run, asks the group for the ejections in force. */
  void apply(Map<String, Pool> running) {
    this.pools = running;
    listening.future().onSuccess(v -> context.runOnContext(x -> {
      if (!greeted) {
        greeted = true; // replies come to ADDRESS.member, registered before this
        bus.publish(HELLO, new JsonObject().put("from", member));
      }
    }));
  }

  /** A member joined: it gets every ejection in force here, sent to it alone. */
  private void hello(JsonObject body) {
    String from = body.getString("from");
    if (from == null || from.equals(member)) {
      return;
    }
    for (String pool : pools.keySet()) {
      health.ejections(pool).onSuccess(list -> list.forEach(e -> bus.send(ADDRESS + "." + from, message(pool, e))));
    }
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
    context.runOnContext(v -> Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).<Void>mapEmpty()
        .onComplete(closed));
    return closed.future();
  }
}
