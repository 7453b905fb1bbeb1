package io.portfw.core.upstream;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.HostsFileEntriesResolver;
import io.netty.resolver.ResolvedAddressTypes;
import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.config.BackendAddress;
import io.portfw.config.DnsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves backend host names and keeps them resolved: each name is asked again when its
 * answer's TTL runs out (within the config's bounds), in the background, and a changed answer
 * is given to every backend with that name, so their new connections go to the new address.
 * A failed lookup keeps the last answer and is retried; a name with no answer yet fails its
 * connects as {@code unresolved}. Names in the hosts file are taken from there.
 *
 * <p>All state lives on one event loop. Names are looked up as written (no search domains).
 */
public final class BackendResolver {

  private static final Logger LOG = LoggerFactory.getLogger(BackendResolver.class);

  private final EventLoop loop;
  private final DnsConfig config;
  private final DnsLookups dns;
  private final Map<String, Name> names = new HashMap<>();
  /** The latest answer of each tracked name, readable from any thread: new backends start with it. */
  private final Map<String, InetAddress> answers = new ConcurrentHashMap<>();

  /** One host name: its latest answer, the backends that use it and the timer of its next lookup. */
  private final class Name {
    final String host;
    Set<Backend> backends = new HashSet<>();
    InetAddress current;
    ScheduledFuture<?> next;
    /** Completed by the first lookup, whatever its outcome. */
    final Promise<Void> first = Promise.promise();
    boolean failing;
    /** Looked up for a reload not yet committed: kept even though no pool uses it yet. */
    boolean pinned;

    Name(String host) {
      this.host = host;
    }
  }

  /** {@code dns}: the lookups it asks, on their loop (shared with discovery, closed by the owner). */
  public BackendResolver(DnsLookups dns) {
    this.dns = dns;
    this.loop = dns.loop();
    this.config = dns.config();
  }

  /**
   * Looks up every host name of {@code hosts} not known yet; the future completes when each has its
   * first answer or has failed (never fails itself), so new backends start with an address.
   */
  public Future<Void> lookUpNew(Collection<String> hosts) {
    Promise<Void> done = Promise.promise();
    loop.execute(() -> {
      List<Future<Void>> firsts = new ArrayList<>();
      for (String host : hosts) {
        Name name = nameOf(host);
        name.pinned = true;
        firsts.add(name.first.future());
      }
      Future.join(firsts).onComplete(all -> done.complete());
    });
    return done.future();
  }

  /** Makes {@code pools} the backends to keep resolved: new ones get the latest answer, unused names stop. */
  public Future<Void> track(Collection<Pool> pools) {
    return track(pools, false);
  }

  /** The latest answer for {@code host}, or null; any thread. */
  public InetAddress current(String host) {
    return answers.get(host);
  }

  /** {@code unpin}: the reload that looked names up has committed or failed, so unused pinned names go too. */
  public Future<Void> track(Collection<Pool> pools, boolean unpin) {
    Map<String, Set<Backend>> byName = new HashMap<>();
    for (Pool pool : pools) {
      for (Backend backend : pool.backends()) {
        BackendAddress address = backend.address();
        if (!address.isLiteral()) {
          byName.computeIfAbsent(address.host(), h -> new HashSet<>()).add(backend);
        }
      }
    }
    Promise<Void> done = Promise.promise();
    loop.execute(() -> {
      names.values().removeIf(name -> {
        if (byName.containsKey(name.host)) {
          name.pinned = false;
          return false;
        }
        if (name.pinned && !unpin) {
          return false;
        }
        answers.remove(name.host);
        name.first.tryComplete();
        if (name.next != null) {
          name.next.cancel(false);
        }
        return true;
      });
      byName.forEach((host, backends) -> {
        Name name = nameOf(host);
        name.backends = backends;
        if (name.current != null) {
          backends.forEach(b -> b.resolvedTo(name.current));
        }
      });
      done.complete();
    });
    return done.future();
  }

  public void close() {
    loop.execute(() -> {
      names.values().forEach(n -> {
        if (n.next != null) {
          n.next.cancel(false);
        }
      });
      names.clear();
    });
  }

  /** The tracked name, or a new one put in the map before its first lookup (which may answer at once). */
  private Name nameOf(String host) {
    Name name = names.get(host);
    if (name == null) {
      name = new Name(host);
      names.put(host, name);
      lookUp(name);
    }
    return name;
  }

  private void lookUp(Name name) {
    name.next = null;
    InetAddress listed = HostsFileEntriesResolver.DEFAULT.address(name.host, ResolvedAddressTypes.IPV4_PREFERRED);
    if (listed != null) {
      answered(name, List.of(listed), config.maxTtl().toSeconds());
      return;
    }
    dns.addresses(name.host, DnsRecordType.A).onComplete(a -> {
      if (a.succeeded() && !a.result().addresses().isEmpty()) {
        answered(name, a.result().addresses(), a.result().ttlSeconds());
        return;
      }
      dns.addresses(name.host, DnsRecordType.AAAA).onComplete(aaaa -> {
        if (aaaa.succeeded() && !aaaa.result().addresses().isEmpty()) {
          answered(name, aaaa.result().addresses(), aaaa.result().ttlSeconds());
        } else {
          Throwable why = a.failed() ? a.cause() : aaaa.failed() ? aaaa.cause()
              : new UnknownHostException("no A or AAAA record");
          failed(name, why);
        }
      });
    });
  }

  private void answered(Name name, List<InetAddress> addresses, long ttlSeconds) {
    if (names.get(name.host) != name) {
      name.first.tryComplete();
      return; // no backend uses it any more
    }
    // Stay with the address in use while the answer still has it: a rotating answer should not move connections.
    InetAddress chosen = name.current != null && addresses.contains(name.current) ? name.current : addresses.get(0);
    if (name.current == null) {
      LOG.info("backend host {} resolved to {}", name.host, chosen.getHostAddress());
    } else if (!chosen.equals(name.current)) {
      LOG.info("backend host {} now resolves to {} (was {}): new connections go there", name.host,
          chosen.getHostAddress(), name.current.getHostAddress());
    } else if (name.failing) {
      LOG.info("backend host {} resolves again ({})", name.host, chosen.getHostAddress());
    }
    name.failing = false;
    name.current = chosen;
    answers.put(name.host, chosen);
    name.backends.forEach(b -> b.resolvedTo(chosen));
    name.next = loop.schedule(() -> lookUp(name), dns.keepMillis(ttlSeconds), TimeUnit.MILLISECONDS);
    name.first.tryComplete();
  }

  private void failed(Name name, Throwable why) {
    if (names.get(name.host) != name) {
      name.first.tryComplete();
      return;
    }
    if (!name.failing) {
      name.failing = true;
      LOG.warn("backend host {}: lookup failed ({}); {}", name.host, why.getMessage(),
          name.current == null ? "its backends cannot be reached until it resolves"
              : "keeping " + name.current.getHostAddress());
    }
    name.next = loop.schedule(() -> lookUp(name), config.minTtl().toMillis(), TimeUnit.MILLISECONDS);
    name.first.tryComplete();
  }
}
