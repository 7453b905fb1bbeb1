package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Ticker;
import io.portfw.config.BackendAddress;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * One live internal server: where it is, its settings, its state and its connection counters.
 * Shared by every event loop and kept across pool snapshots while its address is unchanged;
 * counters are atomics, settings and state are volatile.
 */
public final class Backend {

  /** Strategies compare weights in 1/16 units, so slow start can ramp even a weight of 1. */
  public static final int WEIGHT_SCALE = 16;

  /**
   * What the config says about a backend.
   *
   * @param maxConnections at most this many at once, 0 = no limit
   * @param slowStart ramp-up time after coming back, zero = none
   */
  public record Settings(int weight, boolean backup, int maxConnections, Duration slowStart) {
    public Settings {
      if (weight < 0 || maxConnections < 0) {
        throw new IllegalArgumentException("weight and maxConnections must be >= 0");
      }
      requireNonNull(slowStart, "slowStart");
    }

    public static Settings of(int weight, boolean backup) {
      return new Settings(weight, backup, 0, Duration.ZERO);
    }
  }

  private static final long NOT_RAMPING = Long.MIN_VALUE;
  /** The active count lives in this object, not an AtomicInteger beside it: scans read one object less per backend. */
  private static final VarHandle ACTIVE;

  private static final VarHandle FAILURE_STREAK;

  static {
    try {
      ACTIVE = MethodHandles.lookup().findVarHandle(Backend.class, "active", int.class);
      FAILURE_STREAK = MethodHandles.lookup().findVarHandle(Backend.class, "failureStreak", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final BackendAddress address;
  private final Ticker ticker;
  private volatile int active;
  private final LongAdder total = new LongAdder();
  private final LongAdder bytesSent = new LongAdder();
  private final LongAdder bytesReceived = new LongAdder();
  private volatile Settings settings;
  /** Derived from the three inputs below whenever one changes; the one field the data path reads. */
  private volatile BackendState state = BackendState.UP;
  private volatile AdminState admin = AdminState.ENABLED;
  private volatile boolean checksPassing = true;
  private volatile boolean ejected;
  /** Failed connects and resets in a row from live traffic, for passive health checking. */
  private volatile int failureStreak;
  private volatile long lastFailureNanos = Long.MIN_VALUE;
  private volatile long rampStartNanos = NOT_RAMPING;
  /** Where connections go: the literal, or the host name's latest answer; null until a name is resolved. */
  private volatile InetAddress ip;

  public Backend(BackendAddress address, Settings settings, Ticker ticker) {
    this.address = requireNonNull(address, "address");
    this.settings = requireNonNull(settings, "settings");
    this.ticker = requireNonNull(ticker, "ticker");
    this.ip = address.literal().orElse(null);
  }

  public Backend(BackendAddress address, int weight, boolean backup) {
    this(address, Settings.of(weight, backup), Ticker.systemTicker());
  }

  public BackendAddress address() {
    return address;
  }

  public Settings settings() {
    return settings;
  }

  /** The IP address to connect to; null while a host name has no answer yet. */
  public InetAddress ip() {
    return ip;
  }

  /** A new answer for the host name; connections already made stay where they are. */
  public void resolvedTo(InetAddress next) {
    this.ip = requireNonNull(next, "next");
  }

  /** Takes new settings from a reloaded config; counters and state stay. */
  public void apply(Settings next) {
    this.settings = requireNonNull(next, "next");
  }

  public int weight() {
    return settings.weight();
  }

  public boolean isBackup() {
    return settings.backup();
  }

  public BackendState state() {
    return state;
  }

  public AdminState adminState() {
    return admin;
  }

  public boolean checksPassing() {
    return checksPassing;
  }

  public boolean isEjected() {
    return ejected;
  }

  /** The operator drains, disables or enables it. */
  public synchronized StateChange admin(AdminState next) {
    admin = requireNonNull(next, "next");
    return settle();
  }

  /** The verdict of its active health checks. */
  public synchronized StateChange checks(boolean passing) {
    checksPassing = passing;
    return settle();
  }

  /** Ejected (or let back) by passive health checking. */
  public synchronized StateChange ejected(boolean out) {
    ejected = out;
    return settle();
  }

  /** Derives the state from its inputs; coming back up starts the slow-start ramp when the pool has one. */
  private StateChange settle() {
    BackendState previous = state;
    BackendState next = switch (admin) {
      case DRAINING -> BackendState.DRAINING;
      case DISABLED -> BackendState.DISABLED;
      case ENABLED -> checksPassing && !ejected ? BackendState.UP : BackendState.DOWN;
    };
    state = next;
    if (next == BackendState.UP && previous != BackendState.UP) {
      startSlowStart();
    }
    return new StateChange(previous, next);
  }

  /** Counts a failed connect or a reset from live traffic; returns how many in a row. */
  public int countFailure() {
    lastFailureNanos = System.nanoTime();
    return (int) FAILURE_STREAK.getAndAdd(this, 1) + 1;
  }

  /**
   * A connection established at {@code connectedNanos} ended well: the failure streak is over,
   * unless that connection is older than the last failure (a long connection ending cleanly says
   * nothing about a backend that now refuses). Writes only when there was a streak, so the common
   * case stays a read.
   */
  public void countSuccess(long connectedNanos) {
    if (failureStreak != 0 && connectedNanos - lastFailureNanos > 0) {
      failureStreak = 0;
    }
  }

  /** Forgets the failure streak, e.g. when an ejection has paid for it. */
  public void clearFailures() {
    failureStreak = 0;
  }

  public int failureStreak() {
    return failureStreak;
  }

  /** Starts the ramp to full weight, when the pool has a slow start: on coming back, or on joining a running pool. */
  public void startSlowStart() {
    if (!settings.slowStart().isZero()) {
      rampStartNanos = ticker.read();
    }
  }

  /** Up, with a weight above zero: may be given new connections unless it is full. */
  public boolean isUsable() {
    return state.acceptsNewConnections() && settings.weight() > 0;
  }

  /** At its {@code maxConnections} limit. */
  public boolean isFull() {
    int max = settings.maxConnections();
    return max > 0 && active >= max;
  }

  /** Usable and not full: a strategy may pick it now. */
  public boolean canTake() {
    return canTake(settings);
  }

  private boolean canTake(Settings s) {
    return s.weight() > 0 && state.acceptsNewConnections() && !(s.maxConnections() > 0 && active >= s.maxConnections());
  }

  /**
   * What a strategy scanning many backends asks: the {@link #effectiveWeight()} when this
   * backend can take a new connection now, else 0. One call, each field read once.
   */
  public int weightIfItCanTake() {
    Settings s = settings;
    return canTake(s) ? effectiveWeight(s) : 0;
  }

  /**
   * The weight in {@link #WEIGHT_SCALE} units, ramped linearly from 1 unit to full while a
   * slow start runs.
   */
  public int effectiveWeight() {
    return effectiveWeight(settings);
  }

  private int effectiveWeight(Settings s) {
    int full = s.weight() * WEIGHT_SCALE;
    long start = rampStartNanos;
    if (start == NOT_RAMPING || full == 0) {
      return full;
    }
    long ramp = s.slowStart().toNanos();
    long elapsed = ticker.read() - start;
    if (ramp <= 0 || elapsed >= ramp) {
      rampStartNanos = NOT_RAMPING; // a benign race: every reader sees the ramp over
      return full;
    }
    return (int) Math.max(1, (double) full * elapsed / ramp); // double: full * elapsed can pass 2^63
  }

  /** Connections open to this backend, including those still connecting. */
  public int activeConnections() {
    return active;
  }

  public long totalConnections() {
    return total.sum();
  }

  /**
   * Counts a new connection unless that would pass {@code maxConnections}. Core calls it after
   * a pick and, when it succeeds, {@link #release()} exactly once when the connection ends.
   */
  public boolean tryAcquire() {
    int max = settings.maxConnections();
    while (true) {
      int now = active;
      if (max > 0 && now >= max) {
        return false;
      }
      if (ACTIVE.compareAndSet(this, now, now + 1)) {
        total.increment();
        return true;
      }
    }
  }

  public void release() {
    ACTIVE.getAndAdd(this, -1);
  }

  /** Counts bytes relayed to this backend (from its clients). */
  public void sent(long bytes) {
    bytesSent.add(bytes);
  }

  /** Counts bytes relayed from this backend (to its clients). */
  public void received(long bytes) {
    bytesReceived.add(bytes);
  }

  public long bytesSent() {
    return bytesSent.sum();
  }

  public long bytesReceived() {
    return bytesReceived.sum();
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
