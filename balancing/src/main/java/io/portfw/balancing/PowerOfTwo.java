package io.portfw.balancing;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Power of two choices (Mitzenmacher): two distinct eligible backends drawn at random by
 * weight, and the less loaded for its weight (active / weight) wins; on a tie the first
 * drawn. Nearly as even as least connections without every pick weighing every counter, and
 * under light load (nobody busy) the shares follow the weights.
 *
 * <p>O(n) per pick to draw by weight, without allocating.
 */
final class PowerOfTwo extends PrimariesFirst<Backend[]> {

  private final Supplier<RandomGenerator> random;

  PowerOfTwo(List<Backend> backends, Supplier<RandomGenerator> random) {
    super(backends, group -> group);
    this.random = random;
  }

  @Override
  Backend pickIn(Backend[] group, ClientContext client, Set<Backend> tried) {
    RandomGenerator r = random.get();
    Backend first = Candidates.weighted(group, tried, null, r);
    if (first == null) {
      return null;
    }
    Backend second = Candidates.weighted(group, tried, first, r);
    if (second == null) {
      return first;
    }
    boolean secondLighter = Candidates.lessLoaded(second.activeConnections(), Math.max(1, second.effectiveWeight()),
        first.activeConnections(), Math.max(1, first.effectiveWeight()));
    return secondLighter ? second : first;
  }
}
