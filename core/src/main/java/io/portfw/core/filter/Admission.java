package io.portfw.core.filter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portfw.config.AclConfig;
import io.portfw.config.LimitsConfig;
import io.portfw.core.observe.Refusal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
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

    /** Connections admitted elsewhere in the group: taken too, down to at most one second of debt. */
    synchronized void takeElsewhere(int n, int rate, long now) {
      tokens = Math.max(-rate, Math.min(rate, tokens + (now - lastNanos) / 1e9 * rate) - n);
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
  /**
   * Connections open per source on the other members of a cluster, as last heard (an immutable
   * map replaced whole); null for an instance alone, which then does no cluster work at all.
   */
  private volatile Map<InetAddress, Integer> openElsewhere;
  /** New connections per source since the cluster was last told; kept only in a cluster. */
  private final Map<InetAddress, AtomicInteger> arrivals = new ConcurrentHashMap<>();

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
    Map<InetAddress, Integer> elsewhere = openElsewhere;
    if (rate > 0) {
      if (!buckets.get(source, s -> new Bucket(rate, clock.getAsLong())).take(rate, clock.getAsLong())) {
        return Refusal.RATE_LIMIT;
      }
      if (elsewhere != null) {
        arrivals.computeIfAbsent(source, s -> new AtomicInteger()).incrementAndGet();
      }
    }
    if (limits.maxConnections() > 0 && open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      return Refusal.LIMIT;
    } else if (limits.maxConnections() == 0) {
      open.incrementAndGet();
    }
    // Counted per source always, limit or not: a reload may turn the limit on while connections are open.
    int now = enterSource(source);
    if (limits.maxConnectionsPerSource() > 0
        && now + (elsewhere == null ? 0 : elsewhere.getOrDefault(source, 0)) > limits.maxConnectionsPerSource()) {
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
   * Joins a cluster: from now on {@code others} (connections open per source on the other
   * members, replaced whole as news comes) count against the per-source limit, and new
   * connections are counted for {@link #takeArrivals}. Called from the cluster's context.
   */
  public void openElsewhere(Map<InetAddress, Integer> others) {
    this.openElsewhere = Map.copyOf(others);
  }

  /** Connections from {@code source} open on the other members of the cluster as last heard; 0 alone. */
  public int openElsewhere(InetAddress source) {
    Map<InetAddress, Integer> elsewhere = openElsewhere;
    return elsewhere == null ? 0 : elsewhere.getOrDefault(source, 0);
  }

  /** Connections open here now, per source that has any: what the other members are told. */
  public Map<InetAddress, Integer> openHere() {
    Map<InetAddress, Integer> out = new HashMap<>();
    perSource.forEach((source, count) -> {
      int n = count.get();
      if (n > 0) {
        out.put(source, n);
      }
    });
    return out;
  }

  /**
   * New connections per source since the last call, let through the connection rate here: the
   * other members take them from their buckets. A connection counted at the very moment of the
   * call may be missed (a little slack, never a wrong refusal).
   */
  public Map<InetAddress, Integer> takeArrivals() {
    Map<InetAddress, Integer> out = new HashMap<>();
    arrivals.forEach((source, count) -> {
      int n = count.getAndSet(0);
      if (n > 0) {
        out.put(source, n);
      } else {
        arrivals.remove(source, count);
      }
    });
    return out;
  }

  /** {@code n} new connections of {@code source} were let in by another member: they use up this rate too. */
  public void arrivedElsewhere(InetAddress source, int n, int rate) {
    if (rate > 0 && n > 0) {
      long now = clock.getAsLong();
      buckets.get(source, s -> new Bucket(rate, now)).takeElsewhere(n, rate, now);
    }
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
