package io.portfw.core.filter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portfw.config.AclConfig;
import io.portfw.config.LimitsConfig;
import io.portfw.core.observe.Refusal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The door of one listener, checked at accept before any backend work: its access list, then
 * its limits on connections at once (in all and per client address) and on new connections per
 * second per address. Shared by the listener's event loops. Every admitted connection is let out
 * again with {@link #left} exactly once.
 */
public final class Admission {

  /** A token bucket of one source: {@code rate} tokens a second, at most one second's worth saved. */
  private static final class Bucket {
    private double tokens;
    private long lastNanos;

    Bucket(int rate, long now) {
      tokens = rate;
      lastNanos = now;
    }

    synchronized boolean take(int rate, long now) {
      tokens = Math.min(rate, tokens + (now - lastNanos) / 1e9 * rate);
      lastNanos = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }

  private final AtomicInteger open = new AtomicInteger();
  private final Map<InetAddress, AtomicInteger> perSource = new ConcurrentHashMap<>();
  /** Nanoseconds, as {@link System#nanoTime()}; tests move their own. */
  private final LongSupplier clock;
  /** Sources quiet for a few seconds are forgotten: their bucket would be full again anyway. */
  private final Cache<InetAddress, Bucket> buckets;

  public Admission() {
    this(System::nanoTime);
  }

  /** A door whose connection rates are measured by {@code nanoClock}. */
  public Admission(LongSupplier nanoClock) {
    this.clock = nanoClock;
    this.buckets = Caffeine.newBuilder().ticker(nanoClock::getAsLong)
        .expireAfterAccess(Duration.ofSeconds(10)).maximumSize(1_000_000).build();
  }

  /** Lets the client in, counting it, or says why not (and counts nothing). */
  public Refusal admit(InetAddress source, AclConfig acl, LimitsConfig limits) {
    if (!acl.isOpen() && !acl.permits(source)) {
      return Refusal.ACL;
    }
    int rate = limits.connectionRate();
    if (rate > 0 && !buckets.get(source, s -> new Bucket(rate, clock.getAsLong())).take(rate, clock.getAsLong())) {
      return Refusal.RATE_LIMIT;
    }
    if (limits.maxConnections() > 0 && open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      return Refusal.LIMIT;
    } else if (limits.maxConnections() == 0) {
      open.incrementAndGet();
    }
    // Counted per source always, limit or not: a reload may turn the limit on while connections are open.
    int now = enterSource(source);
    if (limits.maxConnectionsPerSource() > 0 && now > limits.maxConnectionsPerSource()) {
      releaseSource(source);
      open.decrementAndGet();
      return Refusal.SOURCE_LIMIT;
    }
    return null;
  }

  /** An admitted connection ended. */
  public void left(InetAddress source) {
    open.decrementAndGet();
    releaseSource(source);
  }

  /**
   * Counts one more connection of {@code source} without a lock: many connections from one
   * address on every event loop (a NAT, a load generator) would otherwise queue on one map bin.
   * A counter that has dropped to 0 is dead and about to be removed; a newcomer waits for that
   * and starts a fresh one.
   */
  private int enterSource(InetAddress source) {
    while (true) {
      AtomicInteger count = perSource.get(source);
      if (count == null) {
        if (perSource.putIfAbsent(source, new AtomicInteger(1)) == null) {
          return 1;
        }
        continue;
      }
      int n = count.get();
      if (n > 0 && count.compareAndSet(n, n + 1)) {
        return n + 1;
      }
      Thread.onSpinWait();
    }
  }

  /** A source with nothing open holds no entry. */
  private void releaseSource(InetAddress source) {
    AtomicInteger count = perSource.get(source);
    if (count != null && count.decrementAndGet() == 0) {
      perSource.remove(source, count);
    }
  }
}
