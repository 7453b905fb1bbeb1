package io.portfw.core.admin;

import io.vertx.core.json.JsonArray;
import java.util.Arrays;

/**
 * One curve of the traffic history: a value per sample slot, written in the slots of the
 * {@link TrafficHistory}'s ring, NaN where there is none (before the subject existed, or a rate's
 * first sample). Guarded by the history's lock.
 */
final class HistorySeries {

  private final double[] values;

  HistorySeries(int slots) {
    values = new double[slots];
    Arrays.fill(values, Double.NaN);
  }

  void put(int slot, double value) {
    values[slot] = value;
  }

  /** The {@code count} slots ending before {@code next}, oldest first; NaN as null, rounded to a thousandth. */
  JsonArray toJson(int next, int count) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < count; i++) {
      double v = values[Math.floorMod(next - count + i, values.length)];
      out.add(Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0);
    }
    return out;
  }
}
