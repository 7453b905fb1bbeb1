package io.portfw.core.admin;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The curves of one listener or backend: counters turned into rates per second between two
 * samples, and gauges (active connections) as they were. Guarded by the history's lock.
 */
final class SubjectHistory {

  /** A reading of a subject's counters and gauges, in the order of its curve names. */
  record Reading(Object source, long[] counters, long[] gauges) {}

  private final List<String> counterNames;
  private final List<String> gaugeNames;
  private final Map<String, HistorySeries> series = new LinkedHashMap<>();
  private Reading previous;

  SubjectHistory(List<String> counterNames, List<String> gaugeNames, int slots) {
    this.counterNames = counterNames;
    this.gaugeNames = gaugeNames;
    counterNames.forEach(n -> series.put(n, new HistorySeries(slots)));
    gaugeNames.forEach(n -> series.put(n, new HistorySeries(slots)));
  }

  /**
   * Records a sample in {@code slot}. A rate needs a reading before: counters that appeared since
   * the last sample (a listener or backend added, or started anew by a reload) began at zero then,
   * so zero is their reading before; only at the history's first sample is there none.
   */
  void record(int slot, Reading now, double seconds) {
    long[] before = previous != null && previous.source() == now.source() ? previous.counters()
        : seconds > 0 ? new long[now.counters().length] : null;
    for (int i = 0; i < counterNames.size(); i++) {
      double rate = before != null && seconds > 0 ? Math.max(0, now.counters()[i] - before[i]) / seconds : Double.NaN;
      series.get(counterNames.get(i)).put(slot, rate);
    }
    for (int i = 0; i < gaugeNames.size(); i++) {
      series.get(gaugeNames.get(i)).put(slot, now.gauges()[i]);
    }
    previous = now;
  }

  JsonObject toJson(int next, int count) {
    JsonObject out = new JsonObject();
    series.forEach((name, s) -> out.put(name, s.toJson(next, count)));
    return out;
  }
}
