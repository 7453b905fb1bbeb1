package io.portfw.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of one listener, shared by its verticle instances on every event loop. For a UDP
 * listener a session counts as a connection, and datagrams and drops are counted too.
 */
final class ListenerCounters {

  private final LongAdder accepted = new LongAdder();
  private final LongAdder open = new LongAdder();
  private final LongAdder fromClients = new LongAdder();
  private final LongAdder fromBackends = new LongAdder();
  private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);
  private final LongAdder datagramsFromClients = new LongAdder();
  private final LongAdder datagramsFromBackends = new LongAdder();
  private final Map<UdpDrop, LongAdder> dropped = new EnumMap<>(UdpDrop.class);
  /** Shared across rebinds like the counts: connections open before a rebind still count against the limits. */
  private final Admission admission = new Admission();
  private final java.util.concurrent.atomic.AtomicLong lastRefusalLogNanos = new java.util.concurrent.atomic.AtomicLong(
      System.nanoTime() - 2_000_000_000L);
  private final LongAdder unloggedRefusals = new LongAdder();

  ListenerCounters() {
    for (Refusal r : Refusal.values()) {
      refused.put(r, new LongAdder());
    }
    for (UdpDrop d : UdpDrop.values()) {
      dropped.put(d, new LongAdder());
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

  Admission admission() {
    return admission;
  }

  /**
   * Whether this refusal may be logged: at most one line a second per listener, so a flood of
   * refused clients cannot flood the log. Returns how many went unlogged since the last line, or -1.
   */
  long refusalToLog() {
    long now = System.nanoTime();
    long last = lastRefusalLogNanos.get();
    if (now - last >= 1_000_000_000L && lastRefusalLogNanos.compareAndSet(last, now)) {
      return unloggedRefusals.sumThenReset();
    }
    unloggedRefusals.increment();
    return -1;
  }

  void datagramFromClient() {
    datagramsFromClients.increment();
  }

  void datagramFromBackend() {
    datagramsFromBackends.increment();
  }

  void dropped(UdpDrop why) {
    dropped.get(why).increment();
  }

  long datagramsFromClients() {
    return datagramsFromClients.sum();
  }

  long datagramsFromBackends() {
    return datagramsFromBackends.sum();
  }

  long droppedCount(UdpDrop why) {
    return dropped.get(why).sum();
  }

  /** Connections (UDP: sessions) accepted and not yet ended, including those still connecting. */
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
