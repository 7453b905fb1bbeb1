package io.portfw.core.observe;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counts of one listener, shared by its verticle instances on every event loop. For a UDP
 * listener a session counts as a connection, and datagrams and drops are counted too.
 */
public final class ListenerCounters {

  private final LongAdder accepted = new LongAdder();
  private final LongAdder open = new LongAdder();
  private final LongAdder fromClients = new LongAdder();
  private final LongAdder fromBackends = new LongAdder();
  private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);
  private final LongAdder datagramsFromClients = new LongAdder();
  private final LongAdder datagramsFromBackends = new LongAdder();
  private final Map<UdpDrop, LongAdder> dropped = new EnumMap<>(UdpDrop.class);
  private final LongAdder tlsHandshakes = new LongAdder();
  private final LongAdder tlsResumed = new LongAdder();
  private final Map<TlsFailure, LongAdder> tlsFailures = new EnumMap<>(TlsFailure.class);
  /** The size of a UDP listener's session table, read when asked; none for TCP. */
  private volatile LongSupplier sessions = () -> 0;
  private final AtomicLong lastRefusalLogNanos = new AtomicLong(
      System.nanoTime() - 2_000_000_000L);
  private final LongAdder unloggedRefusals = new LongAdder();

  public ListenerCounters() {
    for (Refusal r : Refusal.values()) {
      refused.put(r, new LongAdder());
    }
    for (UdpDrop d : UdpDrop.values()) {
      dropped.put(d, new LongAdder());
    }
    for (TlsFailure f : TlsFailure.values()) {
      tlsFailures.put(f, new LongAdder());
    }
  }

  public void accepted() {
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

  /** Where {@link #sessionCount()} reads from: the session table of the deployment now serving the listener. */
  public void sessions(LongSupplier tableSize) {
    this.sessions = tableSize;
  }

  /** UDP sessions open now. */
  public long sessionCount() {
    return sessions.getAsLong();
  }

  /**
   * Whether this refusal may be logged: at most one line a second per listener, so a flood of
   * refused clients cannot flood the log. Returns how many went unlogged since the last line, or -1.
   */
  public long refusalToLog() {
    long now = System.nanoTime();
    long last = lastRefusalLogNanos.get();
    if (now - last >= 1_000_000_000L && lastRefusalLogNanos.compareAndSet(last, now)) {
      return unloggedRefusals.sumThenReset();
    }
    unloggedRefusals.increment();
    return -1;
  }

  public void datagramFromClient() {
    datagramsFromClients.increment();
  }

  public void datagramFromBackend() {
    datagramsFromBackends.increment();
  }

  public void dropped(UdpDrop why) {
    dropped.get(why).increment();
  }

  public long datagramsFromClients() {
    return datagramsFromClients.sum();
  }

  public long datagramsFromBackends() {
    return datagramsFromBackends.sum();
  }

  public long droppedCount(UdpDrop why) {
    return dropped.get(why).sum();
  }

  /** Connections (UDP: sessions) accepted and not yet ended, including those still connecting. */
  public long openCount() {
    return open.sum();
  }

  public long bytesFromClients() {
    return fromClients.sum();
  }

  public long bytesFromBackends() {
    return fromBackends.sum();
  }

  public void refused(Refusal reason) {
    refused.get(reason).increment();
  }

  public long acceptedCount() {
    return accepted.sum();
  }

  /** A TLS handshake completed; {@code resumed} when it took up an earlier session. */
  public void tlsHandshake(boolean resumed) {
    tlsHandshakes.increment();
    if (resumed) {
      tlsResumed.increment();
    }
  }

  public void tlsFailed(TlsFailure why) {
    tlsFailures.get(why).increment();
  }

  public long tlsHandshakes() {
    return tlsHandshakes.sum();
  }

  public long tlsResumed() {
    return tlsResumed.sum();
  }

  public long tlsFailures(TlsFailure why) {
    return tlsFailures.get(why).sum();
  }

  public long refusedCount(Refusal reason) {
    return refused.get(reason).sum();
  }
}
