package io.portfw.core.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator changes shared by the group: a drain, disable, enable, weight, added or removed backend
 * done through one member's API is published on the clustered event bus and applied by every other
 * member as if its own API had been asked (never published again). The latest change of each
 * backend is also kept in a cluster-wide map, so that a member that starts, or comes back after
 * losing contact, applies what the group did without it.
 *
 * <p>Two operators changing the same backend at the same moment on two members may leave them
 * disagreeing until the next change of it: the map keeps the last write, each member the last
 * message it got.
 */
public final class SharedRuntimeChanges {

  private static final Logger LOG = LoggerFactory.getLogger(SharedRuntimeChanges.class);
  static final String ADDRESS = "portfw.cluster.changes";
  /** The Hazelcast map of the latest change of each backend (see {@link HazelcastSetup} for its merge policy). */
  static final String MAP = "portfw.runtime-changes";
  private static final String ADMIN = "admin";
  private static final String BACKEND = "backend";

  private final Vertx vertx;
  private final String name;
  private final ClusterSecret secret;
  private final String selfId;
  private final String selfAddress;
  private final ClusterChangeTarget target;
  private MessageConsumer<Object> consumer;
  /**
   * When the change applied or made last for each backend was made: a change heard late (a catch-up
   * read while a newer one arrived) does not undo a newer one. Wall-clock milliseconds of its maker.
   */
  private final Map<String, Long> latest = new ConcurrentHashMap<>();

  SharedRuntimeChanges(Vertx vertx, String name, ClusterSecret secret, String selfId, String selfAddress,
      ClusterChangeTarget target) {
    this.vertx = vertx;
    this.name = name;
    this.secret = secret;
    this.selfId = selfId;
    this.selfAddress = selfAddress;
    this.target = target;
  }

  /** Listens for the others' changes; completes once the registration is known to the cluster. */
  Future<Void> start() {
    consumer = vertx.eventBus().consumer(ADDRESS, message -> SignedMessage.open(secret, message.body())
        .ifPresentOrElse(change -> {
          if (!selfId.equals(change.getString("origin"))) {
            apply(change);
          }
        }, () -> LOG.warn("cluster {}: dropped an operator change without a valid tag", name)));
    return consumer.completion();
  }

  void stop() {
    if (consumer != null) {
      consumer.unregister();
    }
  }

  /** A backend's admin state set here by the operator ({@code enabled}, {@code draining}, {@code disabled}). */
  public void adminState(String pool, String backend, String state) {
    publish(new JsonObject().put("kind", ADMIN).put("pool", pool).put("backend", backend).put("state", state));
  }

  /** A backend set here by the operator at runtime: its config as JSON, or empty when removed. */
  public void backend(String pool, String backend, Optional<String> backendJson, String what) {
    JsonObject change = new JsonObject().put("kind", BACKEND).put("pool", pool).put("backend", backend)
        .put("what", what);
    backendJson.ifPresent(json -> change.put("config", json));
    publish(change);
  }

  /** Applies every change the group kept, backends before admin states (a drain may be of an added backend). */
  Future<Integer> catchUp() {
    return map().compose(AsyncMap::entries).map(entries -> {
      List<JsonObject> changes = new ArrayList<>();
      for (Map.Entry<String, String> e : entries.entrySet()) {
        SignedMessage.open(secret, new JsonObject(e.getValue())).ifPresent(changes::add);
      }
      changes.sort(Comparator.comparing((JsonObject c) -> ADMIN.equals(c.getString("kind"))));
      changes.forEach(this::apply);
      return changes.size();
    }).onSuccess(n -> {
      if (n > 0) {
        LOG.info("cluster {}: applied {} operator change(s) kept by the group", name, n);
      }
    }).onFailure(e -> LOG.warn("cluster {}: cannot read the operator changes kept by the group: {}", name,
        e.getMessage()));
  }

  /**
   * This member's file now says otherwise for the backend, so its runtime change gave way: it is no
   * longer kept for members that join later (they would lay it over the newer file again).
   */
  public void forget(String pool, String backend) {
    map().compose(m -> m.remove(key(BACKEND, pool, backend))).onFailure(e -> LOG.warn(
        "cluster {}: the change of pool {} backend {} stays kept for members that join: {}", name, pool, backend,
        e.getMessage()));
  }

  private static String key(String kind, String pool, String backend) {
    return kind + " " + pool + " " + backend;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getClusterWideMap(MAP);
  }

  private void publish(JsonObject change) {
    long at = System.currentTimeMillis();
    change.put("origin", selfId).put("by", selfAddress).put("at", at);
    JsonObject sealed = SignedMessage.seal(secret, change);
    String key = key(change.getString("kind"), change.getString("pool"), change.getString("backend"));
    latest.merge(key, at, Math::max);
    // Published at once: the map is for members that are not there now, and need not be written first.
    vertx.eventBus().publish(ADDRESS, sealed);
    map().compose(m -> m.put(key, sealed.encode())).onFailure(e -> LOG.warn(
        "cluster {}: the change of {} is not kept for members that join later: {}", name, key, e.getMessage()));
  }

  private void apply(JsonObject change) {
    String pool = change.getString("pool");
    String backend = change.getString("backend");
    String who = "cluster member " + change.getString("by", "?");
    long at = change.getLong("at", 0L);
    boolean[] older = {false};
    latest.compute(key(change.getString("kind"), pool, backend), (k, last) -> {
      older[0] = last != null && last > at;
      return older[0] ? last : at;
    });
    if (older[0]) {
      return; // a newer change of this backend was applied or made here already
    }
    try {
      if (ADMIN.equals(change.getString("kind"))) {
        target.adminState(pool, backend, change.getString("state"), who);
      } else if (BACKEND.equals(change.getString("kind"))) {
        target.backend(pool, backend, Optional.ofNullable(change.getString("config")), change.getString("what", "?"),
            who);
      }
    } catch (RuntimeException e) {
      LOG.warn("cluster {}: cannot apply the change of pool {} backend {} from {}: {}", name, pool, backend, who,
          e.getMessage());
    }
  }
}
