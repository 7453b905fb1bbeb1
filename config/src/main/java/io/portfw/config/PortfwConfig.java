package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A whole, validated portfw configuration. Immutable.
 *
 * @param accessLog where finished connections are logged, when set
 * @param dns how backend host names are resolved
 * @param stateDir where a running portfw keeps what a take-over needs (its control socket), as
 *     written; empty: beside the config file. Relative to the config file's directory.
 * @param logging portfw's own log: level and format, applied on reload
 * @param cluster several instances acting as one, when set; applies at the next start
 */
public record PortfwConfig(AdminConfig admin, List<ListenerConfig> listeners, List<PoolConfig> pools,
    Optional<AccessLogConfig> accessLog, DnsConfig dns, Optional<String> stateDir, LoggingConfig logging,
    Optional<ClusterConfig> cluster) {

  public PortfwConfig {
    requireNonNull(admin, "admin");
    listeners = List.copyOf(listeners);
    pools = List.copyOf(pools);
    requireNonNull(accessLog, "accessLog");
    requireNonNull(dns, "dns");
    requireNonNull(stateDir, "stateDir");
    requireNonNull(logging, "logging");
    requireNonNull(cluster, "cluster");
  }

  public PortfwConfig(AdminConfig admin, List<ListenerConfig> listeners, List<PoolConfig> pools,
      Optional<AccessLogConfig> accessLog, DnsConfig dns, Optional<String> stateDir, LoggingConfig logging) {
    this(admin, listeners, pools, accessLog, dns, stateDir, logging, Optional.empty());
  }

  public PortfwConfig(AdminConfig admin, List<ListenerConfig> listeners, List<PoolConfig> pools,
      Optional<AccessLogConfig> accessLog, DnsConfig dns, Optional<String> stateDir) {
    this(admin, listeners, pools, accessLog, dns, stateDir, LoggingConfig.DEFAULT);
  }

  public PortfwConfig(AdminConfig admin, List<ListenerConfig> listeners, List<PoolConfig> pools,
      Optional<AccessLogConfig> accessLog, DnsConfig dns) {
    this(admin, listeners, pools, accessLog, dns, Optional.empty());
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
    return new PortfwConfig(next, listeners, pools, accessLog, dns, stateDir, logging, cluster);
  }

  /** The same config with other pools (the listeners and the rest kept). */
  public PortfwConfig withPools(List<PoolConfig> next) {
    return new PortfwConfig(admin, listeners, next, accessLog, dns, stateDir, logging, cluster);
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
