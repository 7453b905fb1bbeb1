package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** A whole, validated portfw configuration. Immutable. */
public record PortfwConfig(AdminConfig admin, List<ListenerConfig> listeners, List<PoolConfig> pools) {

  public PortfwConfig {
    requireNonNull(admin, "admin");
    listeners = List.copyOf(listeners);
    pools = List.copyOf(pools);
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
