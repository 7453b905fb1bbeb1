package io.portfw.balancing;

import io.portfw.config.BalanceNames;
import java.util.Set;

/**
 * The config loader's source of balancing strategy names: the ones {@link LoadBalancers} has,
 * registered in {@code META-INF/services}, so the config accepts exactly what this module can build.
 */
public final class LoadBalancerNames implements BalanceNames {

  @Override
  public Set<String> names() {
    return LoadBalancers.names();
  }
}
