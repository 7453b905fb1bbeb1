package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The registry from a config's {@code balance} word to its strategy. */
public final class LoadBalancers {

  private static final Map<String, Function<List<Backend>, LoadBalancer>> BY_NAME =
      Map.of("round-robin", RoundRobin::new);

  private LoadBalancers() {}

  /** A new strategy of that name over these backends. */
  public static LoadBalancer byName(String name, List<Backend> backends) {
    requireNonNull(name, "name");
    requireNonNull(backends, "backends");
    Function<List<Backend>, LoadBalancer> factory = BY_NAME.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("no balancing strategy named \"" + name + "\"");
    }
    return factory.apply(List.copyOf(backends));
  }

  public static Set<String> names() {
    return BY_NAME.keySet();
  }
}
