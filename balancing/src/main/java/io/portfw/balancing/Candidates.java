package io.portfw.balancing;

import java.util.List;
import java.util.Set;

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

  /**
   * Whether load {@code (activeA + 1) / weightA} is below {@code (activeB + 1) / weightB},
   * compared without division.
   */
  static boolean lessLoaded(int activeA, int weightA, int activeB, int weightB) {
    return (activeA + 1L) * weightB < (activeB + 1L) * weightA;
  }
}
