package io.portfw.core.admin;

import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PoolConfig;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.Refusal;
import io.portfw.core.runtime.RuntimeView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The last 15 minutes of each listener's and backend's traffic, kept in memory so that a fresh
 * dashboard shows trends at once: every {@link #INTERVAL} a timer reads the counters the runtime
 * keeps anyway (no work on the data path) into a ring of {@link #SLOTS} samples. Memory is bounded
 * by the subjects running now: one that leaves the config leaves the history at the next sample.
 */
final class TrafficHistory {

  /** Five seconds; tests sample faster (system property {@code portfw.history.sampleMillis}) to see curves sooner. */
  static final Duration INTERVAL = Duration.ofMillis(Long.getLong("portfw.history.sampleMillis", 5000));
  static final int SLOTS = 180;

  static final List<String> LISTENER_RATES = List.of("connections", "bytesIn", "bytesOut", "refused");
  static final List<String> BACKEND_RATES = List.of("connections", "bytesToBackend", "bytesFromBackend");
  static final List<String> GAUGES = List.of("active");

  private final RuntimeView runtime;
  private final long[] times = new long[SLOTS];
  private int next;
  private int count;
  private final Map<String, SubjectHistory> listeners = new LinkedHashMap<>();
  /** Keyed by pool and address: a backend's curves are those of its place in a pool. */
  private final Map<List<String>, SubjectHistory> backends = new LinkedHashMap<>();

  TrafficHistory(RuntimeView runtime) {
    this.runtime = runtime;
  }

  /** Reads every running listener and backend into the next slot; runs on a timer, never on the data path. */
  synchronized void sample(long nowMillis) {
    int slot = next;
    double seconds = count == 0 ? 0 : (nowMillis - times[Math.floorMod(slot - 1, SLOTS)]) / 1000.0;
    times[slot] = nowMillis;
    Set<String> seenListeners = new HashSet<>();
    for (ListenerConfig l : runtime.config().listeners()) {
      ListenerCounters n = runtime.listenerCounters(l.name());
      if (n != null) {
        seenListeners.add(l.name());
        long refused = 0;
        for (Refusal r : Refusal.values()) {
          refused += n.refusedCount(r);
        }
        listeners.computeIfAbsent(l.name(), k -> new SubjectHistory(LISTENER_RATES, GAUGES, SLOTS)).record(slot,
            new SubjectHistory.Reading(n, new long[] {n.acceptedCount(), n.bytesFromClients(), n.bytesFromBackends(),
                refused}, new long[] {n.openCount()}), seconds);
      }
    }
    Set<List<String>> seenBackends = new HashSet<>();
    for (PoolConfig p : runtime.config().pools()) {
      Pool pool = runtime.pool(p.name());
      if (pool == null) {
        continue;
      }
      for (Backend b : pool.backends()) {
        List<String> key = List.of(p.name(), b.address().toString());
        seenBackends.add(key);
        backends.computeIfAbsent(key, k -> new SubjectHistory(BACKEND_RATES, GAUGES, SLOTS)).record(slot,
            new SubjectHistory.Reading(b, new long[] {b.totalConnections(), b.bytesSent(), b.bytesReceived()},
                new long[] {b.activeConnections()}), seconds);
      }
    }
    listeners.keySet().retainAll(seenListeners);
    backends.keySet().retainAll(seenBackends);
    next = (slot + 1) % SLOTS;
    count = Math.min(count + 1, SLOTS);
  }

  /**
   * The history as JSON, oldest sample first. Filters name the subjects wanted: {@code listener}
   * picks listeners, {@code pool} and {@code backend} pick backends; with none, everything.
   */
  synchronized JsonObject toJson(String listener, String pool, String backend) {
    boolean all = listener == null && pool == null && backend == null;
    JsonArray timeList = new JsonArray();
    for (int i = 0; i < count; i++) {
      timeList.add(times[Math.floorMod(next - count + i, SLOTS)]);
    }
    JsonArray listenerList = new JsonArray();
    if (all || listener != null) {
      listeners.forEach((name, h) -> {
        if (listener == null || listener.equals(name)) {
          listenerList.add(new JsonObject().put("name", name).put("series", h.toJson(next, count)));
        }
      });
    }
    JsonArray backendList = new JsonArray();
    if (all || pool != null || backend != null) {
      Predicate<List<String>> wanted = k -> (pool == null || pool.equals(k.get(0)))
          && (backend == null || backend.equals(k.get(1)));
      backends.forEach((key, h) -> {
        if (wanted.test(key)) {
          backendList.add(new JsonObject().put("pool", key.get(0)).put("address", key.get(1))
              .put("series", h.toJson(next, count)));
        }
      });
    }
    return new JsonObject().put("intervalMs", INTERVAL.toMillis()).put("slots", SLOTS).put("times", timeList)
        .put("listeners", listenerList).put("backends", backendList);
  }
}
