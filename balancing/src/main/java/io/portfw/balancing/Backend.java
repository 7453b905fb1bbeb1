package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

import io.portfw.config.BackendAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One live internal server: where it is, its weight, its state and its connection counters.
 * Shared by every event loop; the counters are atomics and the state is volatile.
 */
public final class Backend {

  private final BackendAddress address;
  private final int weight;
  private final boolean backup;
  private final AtomicInteger active = new AtomicInteger();
  private final LongAdder total = new LongAdder();
  private volatile BackendState state = BackendState.UP;

  public Backend(BackendAddress address, int weight, boolean backup) {
    this.address = requireNonNull(address, "address");
    if (weight < 0) {
      throw new IllegalArgumentException("weight " + weight + " < 0");
    }
    this.weight = weight;
    this.backup = backup;
  }

  public BackendAddress address() {
    return address;
  }

  public int weight() {
    return weight;
  }

  public boolean isBackup() {
    return backup;
  }

  public BackendState state() {
    return state;
  }

  public void state(BackendState next) {
    this.state = requireNonNull(next, "next");
  }

  /** Whether a strategy may give this backend a new connection now. */
  public boolean isUsable() {
    return weight > 0 && state.acceptsNewConnections();
  }

  /** Connections opened to this backend and not yet closed, including those still connecting. */
  public int activeConnections() {
    return active.get();
  }

  public long totalConnections() {
    return total.sum();
  }

  /** Core calls this once when it starts a connection to this backend. */
  public void connectionOpened() {
    active.incrementAndGet();
    total.increment();
  }

  /** Core calls this exactly once for every {@link #connectionOpened()}. */
  public void connectionClosed() {
    active.decrementAndGet();
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
