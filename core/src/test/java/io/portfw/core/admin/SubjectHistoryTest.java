package io.portfw.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectHistoryTest {

  private static final List<String> RATES = List.of("connections");
  private static final List<String> GAUGES = List.of("active");
  private final Object counters = new Object();

  private static SubjectHistory.Reading reading(Object source, long connections, long active) {
    return new SubjectHistory.Reading(source, new long[] {connections}, new long[] {active});
  }

  @Test
  void record_ratesPerSecondBetweenSamples_gaugesAsRead() {
    SubjectHistory h = new SubjectHistory(RATES, GAUGES, 4);
    h.record(0, reading(counters, 100, 3), 0); // the history's first sample: no rate yet
    h.record(1, reading(counters, 150, 5), 5);
    h.record(2, reading(counters, 150, 0), 5);
    JsonObject json = h.toJson(3, 3);
    assertThat(json.getJsonArray("connections").getList()).containsExactly(null, 10.0, 0.0);
    assertThat(json.getJsonArray("active").getList()).containsExactly(3.0, 5.0, 0.0);
  }

  @Test
  void record_subjectNewSinceTheLastSample_countsFromZero() {
    SubjectHistory h = new SubjectHistory(RATES, GAUGES, 4);
    h.record(2, reading(counters, 20, 1), 4);
    assertThat(h.toJson(3, 1).getJsonArray("connections").getList()).containsExactly(5.0);
  }

  @Test
  void record_countersReplacedByAReload_countFromZero_notNegative() {
    SubjectHistory h = new SubjectHistory(RATES, GAUGES, 4);
    h.record(0, reading(counters, 500, 0), 0);
    h.record(1, reading(new Object(), 10, 0), 5);
    assertThat(h.toJson(2, 2).getJsonArray("connections").getList()).containsExactly(null, 2.0);
  }

  @Test
  void toJson_afterTheRingWraps_oldestFirst() {
    SubjectHistory h = new SubjectHistory(RATES, GAUGES, 3);
    for (int i = 0; i < 5; i++) {
      h.record(i % 3, reading(counters, i, i), 1);
    }
    // Slots hold samples 3, 4, 2; the next slot is 2 (sample 5's), so oldest first is 2, 3, 4.
    assertThat(h.toJson(5 % 3, 3).getJsonArray("active").getList()).containsExactly(2.0, 3.0, 4.0);
  }

  @Test
  void historySeries_emptySlotsAreNull() {
    HistorySeries s = new HistorySeries(3);
    s.put(1, 0.12345);
    assertThat(Arrays.asList(s.toJson(2, 2).getList().toArray())).containsExactly(null, 0.123);
  }
}
