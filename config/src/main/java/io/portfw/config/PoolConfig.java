package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A named group of backends sharing a service, and how connections are spread over them.
 *
 * @param balance the strategy's name, one of {@link #BALANCE_NAMES}
 * @param retries how many other backends are tried after a failed connect (0 = none)
 */
public record PoolConfig(String name, String balance, List<BackendConfig> backends, int retries) {

  /** The balancing strategies the config accepts; the balancing module provides each one. */
  public static final List<String> BALANCE_NAMES = List.of("round-robin");

  public static final String DEFAULT_BALANCE = "round-robin";
  public static final int DEFAULT_RETRIES = 2;
  public static final int MAX_RETRIES = 100;

  public PoolConfig {
    requireNonNull(name, "name");
    requireNonNull(balance, "balance");
    backends = List.copyOf(backends);
  }
}
