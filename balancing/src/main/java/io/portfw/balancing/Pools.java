package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

import io.portfw.config.BackendConfig;
import io.portfw.config.PoolConfig;
import java.util.List;

/** Builds live pools from config: the one place where balancing reads config records. */
public final class Pools {

  private Pools() {}

  public static Pool fromConfig(PoolConfig config) {
    requireNonNull(config, "config");
    List<Backend> backends = config.backends().stream().map(Pools::backend).toList();
    return new Pool(config.name(), backends, LoadBalancers.byName(config.balance(), backends), config.retries());
  }

  private static Backend backend(BackendConfig config) {
    return new Backend(config.address(), config.weight(), config.backup());
  }
}
