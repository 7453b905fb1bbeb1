package io.portfw.core.upstream;

import static java.util.Objects.requireNonNull;

import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.DiscoverConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.core.observe.DiscoveryStats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The pools' backends found in DNS ({@code discover}), kept in step with their records: each pool
 * with {@code discover} has a {@link PoolDiscovery}; {@link #applyTo} lays what they found over a
 * config (after the pool's own backends, which win on the same address), and the runtime applies
 * that as a reload, so backends are kept by address and removed ones drain.
 */
public final class Discoveries {

  private final DnsLookups dns;
  private final Consumer<String> changed;
  /** By pool name; changed on the loop only. */
  private final Map<String, PoolDiscovery> byPool = new ConcurrentHashMap<>();
  /** What the last {@link #applyTo} added to each pool. */
  private volatile Map<String, List<PoolDiscovery.Found>> added = Map.of();

  /** {@code changed}: told a pool's name (on the DNS loop) when its discovered backends changed. */
  public Discoveries(DnsLookups dns, Consumer<String> changed) {
    this.dns = requireNonNull(dns, "dns");
    this.changed = requireNonNull(changed, "changed");
  }

  /**
   * Makes {@code pools} the ones discovered: a new or changed {@code discover} starts looking up, one
   * no longer in the config stops. Completes when each new one has had its first lookup (never fails),
   * so a pool starts with the backends its records give.
   */
  public Future<Void> follow(List<PoolConfig> pools) {
    Map<String, DiscoverConfig> wanted = new HashMap<>();
    pools.forEach(p -> p.discover().ifPresent(d -> wanted.put(p.name(), d)));
    Promise<Void> done = Promise.promise();
    dns.loop().execute(() -> {
      byPool.entrySet().removeIf(e -> {
        boolean gone = !e.getValue().config().equals(wanted.get(e.getKey()));
        if (gone) {
          e.getValue().stop();
        }
        return gone;
      });
      List<Future<Void>> firsts = new ArrayList<>();
      wanted.forEach((pool, config) -> {
        if (!byPool.containsKey(pool)) {
          PoolDiscovery discovery = new PoolDiscovery(pool, config, dns, changed);
          byPool.put(pool, discovery);
          firsts.add(discovery.start());
        }
      });
      Future.join(firsts).onComplete(all -> done.complete());
    });
    return done.future();
  }

  /**
   * {@code config} with each pool's discovered backends added after its own (an address the pool
   * lists itself stays as listed). A pool whose {@code discover} is not (yet) followed gets none.
   */
  public synchronized PortfwConfig applyTo(PortfwConfig config) {
    Map<String, List<PoolDiscovery.Found>> next = new HashMap<>();
    List<PoolConfig> pools = new ArrayList<>();
    boolean any = false;
    for (PoolConfig p : config.pools()) {
      if (p.discover().isEmpty()) {
        pools.add(p);
        continue;
      }
      PoolDiscovery discovery = byPool.get(p.name());
      // Not followed as this config says (a reload under way has switched it already): what was added stays meanwhile.
      List<PoolDiscovery.Found> found = discovery != null && discovery.config().equals(p.discover().get())
          ? discovery.backends() : added.getOrDefault(p.name(), List.of());
      Set<BackendAddress> listed = new HashSet<>();
      p.backends().forEach(b -> listed.add(b.address()));
      List<BackendConfig> backends = new ArrayList<>(p.backends());
      List<PoolDiscovery.Found> kept = new ArrayList<>();
      for (PoolDiscovery.Found f : found) {
        if (listed.add(f.backend().address())) {
          backends.add(f.backend());
          kept.add(f);
        }
      }
      any = true;
      next.put(p.name(), List.copyOf(kept));
      pools.add(p.withBackends(backends));
    }
    added = Map.copyOf(next);
    return any ? config.withPools(pools) : config;
  }

  /** The record a backend of a pool was found by ({@code "web.internal A"}), if it was discovered. */
  public Optional<String> discoveredFrom(String pool, BackendAddress address) {
    return added.getOrDefault(pool, List.of()).stream().filter(f -> f.backend().address().equals(address))
        .map(PoolDiscovery.Found::record).findFirst();
  }

  /** Each discovering pool's state, for the API and the metrics. */
  public Map<String, DiscoveryStats> stats() {
    Map<String, DiscoveryStats> out = new HashMap<>();
    byPool.forEach((pool, d) -> out.put(pool, d.stats()));
    return out;
  }

  public void close() {
    dns.loop().execute(() -> {
      byPool.values().forEach(PoolDiscovery::stop);
      byPool.clear();
    });
  }
}
