package io.portfw.balancing;

import java.util.List;
import java.util.Set;

/** The pick rules every strategy shares: who may take a connection, primaries before backups. */
final class Candidates {

  private Candidates() {}

  static boolean eligible(Backend b, Set<Backend> tried) {
    return b.canTake() && (tried.isEmpty() || !tried.contains(b));
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

  /** Whether {@code a} is less loaded than {@code b}: (active + 1) / weight, compared without division. */
  static boolean lessLoaded(Backend a, Backend b) {
    long left = (a.activeConnections() + 1L) * b.effectiveWeight();
    long right = (b.activeConnections() + 1L) * a.effectiveWeight();
    return left < right;
  }
}
