package io.portfw.core.cluster;

import io.portfw.core.filter.Admission;
import io.portfw.core.listener.LiveListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-source limits and connection rates counted over the group. Every {@value #INTERVAL_MILLIS}
 * ms (by default) each member publishes, per listener, the connections open per source (only sources that have
 * any) and the new connections per source since its last report; each member keeps every other
 * member's latest report and hands the sums to its listeners' {@link Admission}, which admits
 * only while here plus elsewhere stays within the limit. New connections elsewhere are taken
 * from the connection-rate buckets here. A member not heard from for {@value #STALE_MILLIS} ms
 * by default (gone, cut off) no longer counts.
 */
final class GroupSourceCounts {

  private static final Logger LOG = LoggerFactory.getLogger(GroupSourceCounts.class);

  static final String ADDRESS = "portfw.cluster.sources";
  static final long INTERVAL_MILLIS = Long.getLong("portfw.cluster.sourcesIntervalMillis", 100);
  static final long STALE_MILLIS = Long.getLong("portfw.cluster.sourcesStaleMillis", 1000);

  /** One member's latest report: open connections per source, by listener. */
  private record Report(long heardAtNanos, Map<String, Map<InetAddress, Integer>> open) {}

  private final Vertx vertx;
  private final GroupBus bus;
  private final Context context;
  private final String member;
  private final long intervalMillis;
  private final long staleNanos;
  private volatile Map<String, LiveListener> listeners = Map.of();
  /** Confined to the context, like everything below. */
  private final Map<String, Report> reports = new HashMap<>();
  private boolean toldSomething;
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;

  GroupSourceCounts(Vertx vertx, GroupBus bus, Context context, String member) {
    this(vertx, bus, context, member, INTERVAL_MILLIS, STALE_MILLIS);
  }

  GroupSourceCounts(Vertx vertx, GroupBus bus, Context context, String member, long intervalMillis, long staleMillis) {
    this.vertx = vertx;
    this.bus = bus;
    this.context = context;
    this.member = member;
    this.intervalMillis = intervalMillis;
    this.staleNanos = TimeUnit.MILLISECONDS.toNanos(staleMillis);
  }

  /** Starts listening and reporting; the future completes once the group's reports reach this member. */
  Future<Void> start() {
    Promise<Void> listening = Promise.promise();
    context.runOnContext(v -> {
      consumer = bus.consumer(ADDRESS, this::received);
      consumer.completion().onComplete(listening);
      timer = vertx.setPeriodic(intervalMillis, id -> tick());
    });
    return listening.future();
  }

  /** Joins every running listener's door to the group (a new listener starts counting the others at once). */
  void apply(Map<String, LiveListener> running) {
    this.listeners = running;
    context.runOnContext(v -> sum(running.keySet()));
  }

  private void tick() {
    publish();
    long now = System.nanoTime();
    Set<String> touched = new HashSet<>();
    reports.entrySet().removeIf(e -> {
      boolean stale = now - e.getValue().heardAtNanos() > staleNanos;
      if (stale) {
        LOG.info("cluster: member {} not heard from for {} ms, its per-source counts no longer count", e.getKey(),
            TimeUnit.NANOSECONDS.toMillis(staleNanos));
        touched.addAll(e.getValue().open().keySet());
      }
      return stale;
    });
    sum(touched);
  }

  /** This member's counts; nothing is sent while there is nothing to say and nothing said to take back. */
  private void publish() {
    JsonObject byListener = new JsonObject();
    listeners.forEach((name, live) -> {
      Admission door = live.admission();
      // Only what a limit here reads: a cluster without per-source limits or rates sends nothing.
      Map<InetAddress, Integer> open = live.config().limits().maxConnectionsPerSource() > 0 ? door.openHere() : Map.of();
      Map<InetAddress, Integer> arrived = door.takeArrivals();
      if (!open.isEmpty() || !arrived.isEmpty()) {
        byListener.put(name, new JsonObject().put("open", json(open)).put("arrived", json(arrived)));
      }
    });
    if (!byListener.isEmpty() || toldSomething) {
      bus.publish(ADDRESS, new JsonObject().put("from", member).put("listeners", byListener));
      toldSomething = !byListener.isEmpty();
    }
  }

  private static JsonObject json(Map<InetAddress, Integer> counts) {
    JsonObject out = new JsonObject();
    counts.forEach((source, n) -> out.put(source.getHostAddress(), n));
    return out;
  }

  private void received(JsonObject body) {
    String from = body.getString("from");
    JsonObject byListener = body.getJsonObject("listeners");
    if (from == null || from.equals(member) || byListener == null) {
      return;
    }
    Map<String, LiveListener> running = listeners;
    Map<String, Map<InetAddress, Integer>> open = new HashMap<>();
    for (String name : byListener.fieldNames()) {
      JsonObject counts = byListener.getJsonObject(name);
      open.put(name, counts(counts.getJsonObject("open")));
      LiveListener live = running.get(name);
      if (live != null) {
        int rate = live.config().limits().connectionRate();
        counts(counts.getJsonObject("arrived")).forEach((source, n) -> live.admission().arrivedElsewhere(source, n, rate));
      }
    }
    // A member with nothing open any more is forgotten at once: only one with counts can go stale.
    boolean any = open.values().stream().anyMatch(m -> !m.isEmpty());
    Report before = any ? reports.put(from, new Report(System.nanoTime(), open)) : reports.remove(from);
    Set<String> touched = new HashSet<>(open.keySet());
    if (before != null) {
      touched.addAll(before.open().keySet());
    }
    sum(touched);
  }

  private static Map<InetAddress, Integer> counts(JsonObject json) {
    Map<InetAddress, Integer> out = new HashMap<>();
    if (json != null) {
      for (String source : json.fieldNames()) {
        InetAddress address = Received.client(source);
        Object n = json.getValue(source);
        if (address != null && n instanceof Number count && count.intValue() > 0) {
          out.put(address, count.intValue());
        }
      }
    }
    return out;
  }

  /** Hands each named listener's door the open connections per source on every other member. */
  private void sum(Set<String> names) {
    Map<String, LiveListener> running = listeners;
    for (String name : names) {
      LiveListener live = running.get(name);
      if (live == null) {
        continue;
      }
      Map<InetAddress, Integer> elsewhere = new HashMap<>();
      reports.values().forEach(r -> r.open().getOrDefault(name, Map.of()).forEach((s, n) -> elsewhere.merge(s, n, Integer::sum)));
      live.admission().openElsewhere(elsewhere);
    }
  }

  Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      if (toldSomething) { // a member that stops takes its counts back at once rather than going stale
        bus.publish(ADDRESS, new JsonObject().put("from", member).put("listeners", new JsonObject()));
      }
      (consumer == null ? Future.<Void>succeededFuture() : consumer.unregister()).onComplete(closed);
    });
    return closed.future();
  }
}
