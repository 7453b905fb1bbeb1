package io.portfw.core.udp;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import io.portfw.config.UdpConfig;
import io.portfw.core.observe.Ending;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The client sessions of one UDP listener: a table per listening socket, confined to that socket's
 * event loop (SO_REUSEPORT keeps a client on one socket), so a datagram's lookup takes no lock and
 * makes nothing. A session is forgotten after {@code sessionIdle} without a datagram either way, by
 * a sweep on each loop; beyond {@code maxSessions} over the listener, the least recently active of
 * the table that adds one is evicted. Whatever removes a session closes its backend socket.
 */
public final class UdpSessions {

  private final AtomicInteger open = new AtomicInteger();
  /** Nanoseconds, as {@link System#nanoTime()}; tests move their own. */
  private final LongSupplier clock;
  private volatile long idleNanos;
  private volatile int maxSessions;

  public UdpSessions(UdpConfig config) {
    this(config, System::nanoTime);
  }

  /** Sessions whose idle time is measured by {@code nanoClock}. */
  public UdpSessions(UdpConfig config, LongSupplier nanoClock) {
    this.clock = nanoClock;
    apply(config);
  }

  /** Takes a reloaded listener's settings; sessions open now keep going under them. */
  public void apply(UdpConfig config) {
    idleNanos = config.sessionIdle().toNanos();
    maxSessions = config.maxSessions();
  }

  /** Sessions open now over every table. */
  public long size() {
    return open.get();
  }

  /** The table of a listening socket, swept on its event loop until {@link Table#endAll}. */
  Table tableOf(Channel front) {
    return new Table(front);
  }

  /**
   * The sessions of one listening socket by client address, least recently active first. Only the
   * socket's event loop touches it.
   */
  final class Table {

    private final Channel front;
    private final LinkedHashMap<InetSocketAddress, UdpSession> byClient = new LinkedHashMap<>(64, 0.75f, true);
    private final ScheduledFuture<?> sweeper;
    private final Runnable flush;
    private boolean flushPending;

    private Table(Channel front) {
      this.front = front;
      // A tenth of the idle time, within 50 ms to 1 s: a session lives at most that much past its idle timeout.
      long every = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(TimeUnit.SECONDS.toNanos(1), idleNanos / 10));
      this.sweeper = front.eventLoop().scheduleAtFixedRate(this::sweep, every, every, TimeUnit.NANOSECONDS);
      this.flush = () -> {
        flushPending = false;
        front.flush();
      };
    }

    /** The client's session, now the most recently active; null when there is none. */
    UdpSession touch(InetSocketAddress client) {
      return byClient.get(client);
    }

    void add(InetSocketAddress client, UdpSession session) {
      UdpSession replaced = byClient.put(client, session);
      if (replaced == null) {
        open.incrementAndGet();
      } else if (replaced != session) {
        replaced.close(Ending.CLIENT_CLOSE);
      }
      while (open.get() > maxSessions && byClient.size() > 1) {
        Iterator<UdpSession> eldest = byClient.values().iterator();
        UdpSession evicted = eldest.next();
        eldest.remove();
        open.decrementAndGet();
        evicted.close(Ending.EVICTED);
      }
    }

    /** Takes a session out, which has recorded why it ends. */
    void remove(InetSocketAddress client, UdpSession session) {
      if (byClient.remove(client, session)) {
        open.decrementAndGet();
      }
    }

    private void sweep() {
      long now = clock.getAsLong();
      long idle = idleNanos;
      Iterator<UdpSession> sessions = byClient.values().iterator();
      while (sessions.hasNext()) {
        UdpSession s = sessions.next();
        if (now - s.lastActiveNanos() < idle) {
          return; // the rest were active later
        }
        sessions.remove();
        open.decrementAndGet();
        s.close(Ending.IDLE_TIMEOUT);
      }
    }

    /** Whether no session of this socket is open. */
    boolean isEmpty() {
      return byClient.isEmpty();
    }

    /** Ends every session of the socket, which is closing; its sweep stops. */
    void endAll() {
      sweeper.cancel(false);
      List<UdpSession> all = new ArrayList<>(byClient.values());
      open.addAndGet(-byClient.size());
      byClient.clear();
      all.forEach(s -> s.close(Ending.STOPPED));
    }

    Channel front() {
      return front;
    }

    /** The time its sessions measure their activity by. */
    long now() {
      return clock.getAsLong();
    }

    /**
     * Flushes the listening socket once the loop has handled its current batch of events, so the
     * replies written meanwhile leave together (sendmmsg) instead of a system call each.
     */
    void flushSoon() {
      if (!flushPending) {
        flushPending = true;
        front.eventLoop().execute(flush);
      }
    }
  }
}
