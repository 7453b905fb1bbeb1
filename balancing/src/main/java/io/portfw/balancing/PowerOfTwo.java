package io.portfw.balancing;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Power of two choices (Mitzenmacher): two distinct eligible backends at random, the less
 * loaded for its weight wins. Nearly as even as least connections, without every pick
 * reading every counter, and it herds less when many loops pick at once.
 *
 * <p>O(n) per pick to count and find the eligible backends, without allocating.
 */
final class PowerOfTwo extends PrimariesFirst<Backend[]> {

  private final Supplier<RandomGenerator> random;

  PowerOfTwo(List<Backend> backends, Supplier<RandomGenerator> random) {
    super(backends, group -> group);
    this.random = random;
  }

  @Override
  Backend pickIn(Backend[] group, ClientContext client, Set<Backend> tried) {
    int eligible = 0;
    for (Backend b : group) {
      if (Candidates.weightIfEligible(b, tried) > 0) {
        eligible++;
      }
    }
    if (eligible == 0) {
      return null;
    }
    if (eligible == 1) {
      return nth(group, tried, 0);
    }
    RandomGenerator r = random.get();
    int first = r.nextInt(eligible);
    int second = r.nextInt(eligible - 1);
    if (second >= first) {
      second++;
    }
    Backend a = nth(group, tried, first);
    Backend b = nth(group, tried, second);
    if (a == null || b == null) {
      // Another loop filled or took down a backend between the count and the search.
      return a != null ? a : b != null ? b : nth(group, tried, 0);
    }
    boolean bLighter = Candidates.lessLoaded(b.activeConnections(), Math.max(1, b.effectiveWeight()),
        a.activeConnections(), Math.max(1, a.effectiveWeight()));
    return bLighter ? b : a;
  }

  private static Backend nth(Backend[] group, Set<Backend> tried, int n) {
    for (Backend b : group) {
      if (Candidates.weightIfEligible(b, tried) > 0 && n-- == 0) {
        return b;
      }
    }
    return null; // states changed between the count and the search
  }
}
