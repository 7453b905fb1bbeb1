package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** The registry from a config's {@code balance} word to its strategy. */
public final class LoadBalancers {

  /** In the order the docs and the config's error list them: Map.of's order changes from run to run. */
  private static final Map<String, BiFunction<List<Backend>, Supplier<RandomGenerator>, LoadBalancer>> BY_NAME = registry();

  private LoadBalancers() {}

  private static Map<String, BiFunction<List<Backend>, Supplier<RandomGenerator>, LoadBalancer>> registry() {
    Map<String, BiFunction<List<Backend>, Supplier<RandomGenerator>, LoadBalancer>> byName = new LinkedHashMap<>();
    byName.put("round-robin", (backends, random) -> new RoundRobin(backends));
    byName.put("least-connections", LeastConnections::new);
    byName.put("power-of-two", PowerOfTwo::new);
    byName.put("random", WeightedRandom::new);
    byName.put("source-hash", (backends, random) -> new SourceHash(backends));
    return Collections.unmodifiableMap(byName);
  }

  /** A new strategy of that name over these backends, drawing random numbers per thread. */
  public static LoadBalancer byName(String name, List<Backend> backends) {
    return byName(name, backends, ThreadLocalRandom::current);
  }

  /** As {@link #byName(String, List)}, with the random source given (tests pass a seeded one). */
  public static LoadBalancer byName(String name, List<Backend> backends, Supplier<RandomGenerator> random) {
    requireNonNull(name, "name");
    requireNonNull(backends, "backends");
    requireNonNull(random, "random");
    var factory = BY_NAME.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("no balancing strategy named \"" + name + "\"");
    }
    return factory.apply(List.copyOf(backends), random);
  }

  /**
   * The strategy for a pool rebuilt by a reload: as {@link #byName(String, List)}, carrying over
   * what is worth keeping from the strategy it replaces (round robin's position in its cycle).
   */
  static LoadBalancer rebuild(String name, List<Backend> backends, LoadBalancer previous) {
    if (name.equals("round-robin") && previous instanceof RoundRobin old) {
      return new RoundRobin(List.copyOf(backends), old.position());
    }
    return byName(name, backends);
  }

  /** Every strategy's name, always in the same order: round-robin, least-connections, power-of-two, random, source-hash. */
  public static Set<String> names() {
    return BY_NAME.keySet();
  }
}
