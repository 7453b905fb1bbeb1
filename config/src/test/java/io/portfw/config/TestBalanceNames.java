package io.portfw.config;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The balancing strategies config's own tests accept: balancing's provider is not on this
 * module's class path (config cannot depend on it), so this one stands in, registered in the
 * test resources.
 */
public final class TestBalanceNames implements BalanceNames {

  @Override
  public Set<String> names() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(
        List.of("round-robin", "least-connections", "power-of-two", "random", "source-hash")));
  }
}
