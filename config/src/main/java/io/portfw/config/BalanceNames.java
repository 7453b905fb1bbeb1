package io.portfw.config;

import java.util.Set;

/**
 * A service that names balancing strategies a pool's {@code balance} may use. The config
 * loader finds every provider with {@link java.util.ServiceLoader} and accepts the names they
 * give together; the balancing module provides the strategies and so the provider, which
 * keeps config from depending on it.
 */
public interface BalanceNames {

  /** The strategies' names, in the order an error should list them. */
  Set<String> names();
}
