package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Ticker;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.HealthConfig;
import io.portfw.config.PoolConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Builds live pools from config: the one place where balancing reads config records. */
public final class Pools {

  private Pools() {}

  public static Pool fromConfig(PoolConfig config) {
    return fromConfig(config, Ticker.systemTicker());
  }

  /** A new pool; the ticker drives slow start and sticky expiry (tests pass a fake one). */
  public static Pool fromConfig(PoolConfig config, Ticker ticker) {
    requireNonNull(config, "config");
    requireNonNull(ticker, "ticker");
    List<Backend> backends = config.backends().stream()
        .map(b -> joining(config, b, ticker))
        .toList();
    Optional<StickyTable> sticky = config.sticky().map(s -> new StickyTable(s, ticker));
    return assemble(config, backends, sticky, LoadBalancers.byName(config.balance(), backends));
  }

  /** As {@link #update(Pool, PoolConfig, Ticker)} with the system clock. */
  public static Pool update(Pool previous, PoolConfig next) {
    return update(previous, next, Ticker.systemTicker());
  }

  /**
   * The next snapshot of a running pool. Backends whose address is unchanged are the same
   * objects, given the new settings, so their counters and state carry over; the sticky
   * table carries over while its settings are unchanged; the strategy is built anew.
   */
  public static Pool update(Pool previous, PoolConfig next, Ticker ticker) {
    requireNonNull(previous, "previous");
    requireNonNull(next, "next");
    Map<BackendAddress, Backend> live = previous.backends().stream()
        .collect(Collectors.toMap(Backend::address, Function.identity()));
    List<Backend> backends = next.backends().stream().map(b -> {
      Backend kept = live.get(b.address());
      if (kept == null) {
        Backend joining = joining(next, b, ticker);
        joining.startSlowStart(); // a server added to a running pool is as cold as one coming back
        return joining;
      }
      kept.apply(settings(next, b));
      return kept;
    }).toList();
    Optional<StickyTable> sticky = next.sticky().map(s -> previous.sticky()
        .filter(old -> old.config().equals(s))
        .orElseGet(() -> new StickyTable(s, ticker)));
    LoadBalancer previousStrategy = previous.balancer() instanceof Sticky s ? s.strategy() : previous.balancer();
    return assemble(next, backends, sticky, LoadBalancers.rebuild(next.balance(), backends, previousStrategy));
  }

  private static Pool assemble(PoolConfig config, List<Backend> backends, Optional<StickyTable> sticky,
      LoadBalancer strategy) {
    LoadBalancer balancer = sticky.<LoadBalancer>map(t -> new Sticky(strategy, t, backends)).orElse(strategy);
    return new Pool(config.name(), backends, balancer, config.retries(), sticky, ConnectionOutcomes.IGNORED,
        config.proxyProtocol());
  }

  /** A backend new to the pool; it waits for its first passing check when the pool says so. */
  private static Backend joining(PoolConfig pool, BackendConfig config, Ticker ticker) {
    Backend backend = new Backend(config.address(), settings(pool, config), ticker);
    if (pool.health().map(HealthConfig::startDown).orElse(false)) {
      backend.checks(false);
    }
    return backend;
  }

  private static Backend.Settings settings(PoolConfig pool, BackendConfig backend) {
    return new Backend.Settings(backend.weight(), backend.backup(), backend.maxConnections(), pool.slowStart());
  }
}
