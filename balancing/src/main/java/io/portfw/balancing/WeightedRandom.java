package io.portfw.balancing;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Weighted random: each eligible backend is picked with probability weight / total weight
 * (the slow-start ramp included). Stateless, so it needs no coordination between loops.
 *
 * <p>O(n) per pick: one pass to sum the weights, one to find the chosen one.
 */
final class WeightedRandom extends PrimariesFirst<Backend[]> {

  private final Supplier<RandomGenerator> random;

  WeightedRandom(List<Backend> backends, Supplier<RandomGenerator> random) {
    super(backends, group -> group);
    this.random = random;
  }

  @Override
  Backend pickIn(Backend[] group, ClientContext client, Set<Backend> tried) {
    return Candidates.weighted(group, tried, null, random.get());
  }
}
