package io.portfw.core.udp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.netty.channel.Channel;
import io.portfw.config.UdpConfig;
import io.portfw.core.observe.Ending;
import java.net.InetSocketAddress;

/**
 * The client sessions of one UDP listener, shared by its sockets on every event loop: a
 * Caffeine cache that forgets a session after {@code sessionIdle} without a datagram either
 * way, and evicts some when more than {@code maxSessions} are open. Whatever removes a session
 * closes its backend socket.
 */
public final class UdpSessions {

  /** A client as seen on one port of the listener: a port range gives each port its own session. */
  record Key(InetSocketAddress client, int localPort) {}

  private final Cache<Key, UdpSession> cache;

  public UdpSessions(UdpConfig config) {
    this.cache = Caffeine.newBuilder()
        .expireAfterAccess(config.sessionIdle())
        .maximumSize(config.maxSessions())
        // Expired sessions are closed on time, not only when the cache is next touched: their sockets are descriptors.
        .scheduler(Scheduler.systemScheduler())
        // Removals run where they happen (an event loop for most) instead of hopping to the common pool first.
        .executor(Runnable::run)
        .removalListener((Key key, UdpSession session, RemovalCause cause) -> {
          if (session != null) {
            session.closeFromAnyThread(switch (cause) {
              case EXPIRED -> Ending.IDLE_TIMEOUT;
              case SIZE, COLLECTED -> Ending.EVICTED;
              default -> Ending.CLIENT_CLOSE; // explicit: the session has set its own ending already
            });
          }
        })
        .build();
  }

  /** The session, its idle clock restarted; null when there is none. */
  UdpSession touch(Key key) {
    return cache.getIfPresent(key);
  }

  void add(Key key, UdpSession session) {
    cache.put(key, session);
  }

  /** Ends a session now; the session has recorded why. */
  void end(Key key, UdpSession session) {
    cache.asMap().remove(key, session);
  }

  /** Ends every session that replies through {@code front}: its socket is closing. */
  void endAllOf(Channel front) {
    cache.asMap().values().removeIf(s -> {
      if (s.front() == front) {
        s.endBecause(Ending.STOPPED);
        return true;
      }
      return false;
    });
  }

  /** Takes a reloaded listener's settings; sessions open now keep going under them. */
  public void apply(UdpConfig config) {
    cache.policy().expireAfterAccess().ifPresent(e -> e.setExpiresAfter(config.sessionIdle()));
    cache.policy().eviction().ifPresent(e -> e.setMaximum(config.maxSessions()));
  }

  public long size() {
    return cache.estimatedSize();
  }
}
