package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A named group of backends sharing a service, and how connections are spread over them.
 *
 * @param balance the strategy's name, one that a {@link BalanceNames} provider (the balancing module's) gives
 * @param retries how many other backends are tried after a failed connect (0 = none)
 * @param sticky client affinity, when set
 * @param slowStart how long a backend that comes back takes to ramp up to its full weight (zero = at once)
 * @param health active health checks, when set
 * @param outlier passive health (ejection on failing live traffic), when set
 * @param proxyProtocol the PROXY protocol header sent to each backend first, when set
 * @param preconnect warm connections kept ready to each backend, when set
 * @param tls TLS toward the backends, when set
 * @param queue a waiting line for clients when every usable backend is full, when set
 * @param transparent backend connections are made from the client's own address (IP_TRANSPARENT)
 * @param source the local address backend connections are made from, unless a backend names its own
 * @param discover backends found in DNS, added to {@code backends} while the records last, when set
 */
public record PoolConfig(String name, String balance, List<BackendConfig> backends, int retries,
    Optional<StickyConfig> sticky, Duration slowStart, Optional<HealthConfig> health, Optional<OutlierConfig> outlier,
    Optional<ProxyProtocol> proxyProtocol, Optional<PreconnectConfig> preconnect, Optional<BackendTlsConfig> tls,
    Optional<QueueConfig> queue, boolean transparent, Optional<SourceAddress> source, Optional<DiscoverConfig> discover) {

  public static final String DEFAULT_BALANCE = "round-robin";
  public static final int DEFAULT_RETRIES = 2;
  public static final int MAX_RETRIES = 100;

  public PoolConfig {
    requireNonNull(name, "name");
    requireNonNull(balance, "balance");
    backends = List.copyOf(backends);
    requireNonNull(sticky, "sticky");
    requireNonNull(slowStart, "slowStart");
    requireNonNull(health, "health");
    requireNonNull(outlier, "outlier");
    requireNonNull(proxyProtocol, "proxyProtocol");
    requireNonNull(preconnect, "preconnect");
    requireNonNull(tls, "tls");
    requireNonNull(queue, "queue");
    requireNonNull(source, "source");
    requireNonNull(discover, "discover");
  }

  public PoolConfig(String name, String balance, List<BackendConfig> backends, int retries,
      Optional<StickyConfig> sticky, Duration slowStart, Optional<HealthConfig> health, Optional<OutlierConfig> outlier,
      Optional<ProxyProtocol> proxyProtocol, Optional<PreconnectConfig> preconnect, Optional<BackendTlsConfig> tls,
      Optional<QueueConfig> queue) {
    this(name, balance, backends, retries, sticky, slowStart, health, outlier, proxyProtocol, preconnect, tls, queue,
        false, Optional.empty(), Optional.empty());
  }

  public PoolConfig(String name, String balance, List<BackendConfig> backends, int retries,
      Optional<StickyConfig> sticky, Duration slowStart, Optional<HealthConfig> health, Optional<OutlierConfig> outlier,
      Optional<ProxyProtocol> proxyProtocol, Optional<PreconnectConfig> preconnect, Optional<BackendTlsConfig> tls) {
    this(name, balance, backends, retries, sticky, slowStart, health, outlier, proxyProtocol, preconnect, tls,
        Optional.empty());
  }

  /** The same pool with other backends (a runtime change laid over the file). */
  public PoolConfig withBackends(List<BackendConfig> next) {
    return new PoolConfig(name, balance, next, retries, sticky, slowStart, health, outlier, proxyProtocol, preconnect,
        tls, queue, transparent, source, discover);
  }

  public PoolConfig(String name, String balance, List<BackendConfig> backends, int retries,
      Optional<StickyConfig> sticky, Duration slowStart, Optional<HealthConfig> health, Optional<OutlierConfig> outlier,
      Optional<ProxyProtocol> proxyProtocol, Optional<PreconnectConfig> preconnect) {
    this(name, balance, backends, retries, sticky, slowStart, health, outlier, proxyProtocol, preconnect,
        Optional.empty());
  }

  public PoolConfig(String name, String balance, List<BackendConfig> backends, int retries,
      Optional<StickyConfig> sticky, Duration slowStart, Optional<HealthConfig> health, Optional<OutlierConfig> outlier,
      Optional<ProxyProtocol> proxyProtocol) {
    this(name, balance, backends, retries, sticky, slowStart, health, outlier, proxyProtocol, Optional.empty());
  }

  public PoolConfig(String name, String balance, List<BackendConfig> backends, int retries,
      Optional<StickyConfig> sticky, Duration slowStart, Optional<HealthConfig> health, Optional<OutlierConfig> outlier) {
    this(name, balance, backends, retries, sticky, slowStart, health, outlier, Optional.empty());
  }

  /** Whether any backend connection of this pool is bound to a chosen local address. */
  public boolean bindsSource() {
    return source.isPresent() || backends.stream().anyMatch(b -> b.source().isPresent());
  }

  /** A pool with the defaults for everything but its name, strategy and backends. */
  public static PoolConfig of(String name, String balance, List<BackendConfig> backends) {
    return new PoolConfig(name, balance, backends, DEFAULT_RETRIES, Optional.empty(), Duration.ZERO, Optional.empty(),
        Optional.empty());
  }
}
