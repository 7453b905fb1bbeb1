package io.portfw.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counts of one listener, shared by its verticle instances on every event loop. */
final class ListenerCounters {

  private final LongAdder accepted = new LongAdder();
  private final LongAdder open = new LongAdder();
  private final LongAdder fromClients = new LongAdder();
  private final LongAdder fromBackends = new LongAdder();
  private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);

  ListenerCounters() {
    for (Refusal r : Refusal.values()) {
      refused.put(r, new LongAdder());
    }
  }

  void accepted() {
    accepted.increment();
    open.increment();
  }

  void ended() {
    open.decrement();
  }

  void fromClients(long bytes) {
    fromClients.add(bytes);
  }

  void fromBackends(long bytes) {
    fromBackends.add(bytes);
  }

  /** Connections accepted and not yet ended, including those still connecting. */
  long openCount() {
    return open.sum();
  }

  long bytesFromClients() {
    return fromClients.sum();
  }

  long bytesFromBackends() {
    return fromBackends.sum();
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
