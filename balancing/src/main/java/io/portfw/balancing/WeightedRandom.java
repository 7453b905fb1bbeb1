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
    long total = 0;
    for (Backend b : group) {
      total += Candidates.weightIfEligible(b, tried);
    }
    if (total == 0) {
      return null;
    }
    long point = random.get().nextLong(total);
    Backend last = null;
    for (Backend b : group) {
      int weight = Candidates.weightIfEligible(b, tried);
      if (weight > 0) {
        last = b;
        point -= weight;
        if (point < 0) {
          return b;
        }
      }
    }
    return last; // a weight shrank between the passes: the last eligible one takes it
  }
}
