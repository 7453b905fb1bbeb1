package io.portfw.balancing;

import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/** The pick rules every strategy shares: who may take a connection, primaries before backups. */
final class Candidates {

  private Candidates() {}

  static boolean eligible(Backend b, Set<Backend> tried) {
    return b.canTake() && notTried(b, tried);
  }

  /** {@link Backend#weightIfItCanTake()}, and 0 for a backend already tried. */
  static int weightIfEligible(Backend b, Set<Backend> tried) {
    int w = b.weightIfItCanTake();
    return w > 0 && notTried(b, tried) ? w : 0;
  }

  private static boolean notTried(Backend b, Set<Backend> tried) {
    return tried.isEmpty() || !tried.contains(b);
  }

  static Backend[] primaries(List<Backend> backends) {
    return backends.stream().filter(b -> !b.isBackup()).toArray(Backend[]::new);
  }

  static Backend[] backups(List<Backend> backends) {
    return backends.stream().filter(Backend::isBackup).toArray(Backend[]::new);
  }

  static boolean anyEligible(Backend[] group, Set<Backend> tried) {
    for (Backend b : group) {
      if (eligible(b, tried)) {
        return true;
      }
    }
    return false;
  }

  /** Whether load {@code activeA / weightA} is below {@code activeB / weightB}, compared without division. */
  static boolean lessLoaded(int activeA, int weightA, int activeB, int weightB) {
    return (long) activeA * weightB < (long) activeB * weightA;
  }

  /**
   * An eligible backend of the group other than {@code except}, each with probability
   * weight / total weight; null when there is none.
   */
  static Backend weighted(Backend[] group, Set<Backend> tried, Backend except, RandomGenerator random) {
    long total = 0;
    for (Backend b : group) {
      total += b == except ? 0 : weightIfEligible(b, tried);
    }
    if (total == 0) {
      return null;
    }
    long point = random.nextLong(total);
    Backend last = null;
    for (Backend b : group) {
      int weight = b == except ? 0 : weightIfEligible(b, tried);
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
