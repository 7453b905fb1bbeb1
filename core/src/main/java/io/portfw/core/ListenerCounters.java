package io.portfw.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counts of one listener, shared by its verticle instances on every event loop. */
final class ListenerCounters {

  private final LongAdder accepted = new LongAdder();
  private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);

  ListenerCounters() {
    for (Refusal r : Refusal.values()) {
      refused.put(r, new LongAdder());
    }
  }

  void accepted() {
    accepted.increment();
  }

  void refused(Refusal reason) {
    refused.get(reason).increment();
  }

  long acceptedCount() {
    return accepted.sum();
  }

  long refusedCount(Refusal reason) {
    return refused.get(reason).sum();
  }
}
