package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A whole, validated portfw configuration. Immutable.
 *
 * @param accessLog where finished connections are logged, when set
 * @param dns how backend host names are resolved
 */
public record PortfwConfig(AdminConfig admin, List<ListenerConfig> listeners, List<PoolConfig> pools,
    Optional<AccessLogConfig> accessLog, DnsConfig dns) {

  public PortfwConfig {
    requireNonNull(admin, "admin");
    listeners = List.copyOf(listeners);
    pools = List.copyOf(pools);
    requireNonNull(accessLog, "accessLog");
    requireNonNull(dns, "dns");
  }

  public PortfwConfig(AdminConfig admin, List<ListenerConfig> listeners, List<PoolConfig> pools,
      Optional<AccessLogConfig> accessLog) {
    this(admin, listeners, pools, accessLog, DnsConfig.DEFAULT);
  }

  public PortfwConfig(AdminConfig admin, List<ListenerConfig> listeners, List<PoolConfig> pools) {
    this(admin, listeners, pools, Optional.empty());
  }

  /** The same config with another admin endpoint. */
  public PortfwConfig withAdmin(AdminConfig next) {
    return new PortfwConfig(next, listeners, pools, accessLog, dns);
  }

  public Optional<PoolConfig> pool(String name) {
    return pools.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** A one-line account, as {@code check} prints it. */
  public String summary() {
    int backends = pools.stream().mapToInt(p -> p.backends().size()).sum();
    return plural(listeners.size(), "listener") + ", " + plural(pools.size(), "pool") + ", "
        + plural(backends, "backend");
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
