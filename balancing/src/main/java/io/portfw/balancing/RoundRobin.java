package io.portfw.balancing;

import java.util.List;
import java.util.Set;

/**
 * Smooth weighted round robin (the nginx algorithm): each pick adds every candidate's weight
 * to its running score, takes the highest and subtracts the candidates' total from it. A
 * weight 3 backend next to a weight 1 one gets 3 of every 4 picks, interleaved (a a b a),
 * and equal weights cycle in config order. Backups are candidates only when no primary is.
 *
 * <p>O(n) per pick under one lock; n is a pool's size, tens of backends.
 */
final class RoundRobin implements LoadBalancer {

  private final List<Backend> backends;
  private final int[] score;

  RoundRobin(List<Backend> backends) {
    this.backends = backends;
    this.score = new int[backends.size()];
  }

  @Override
  public Backend pick(ClientContext client, Set<Backend> tried) {
    synchronized (score) {
      int best = choose(tried, false);
      if (best < 0) {
        best = choose(tried, true);
      }
      return best < 0 ? null : backends.get(best);
    }
  }

  /** Runs one round over the primaries or the backups; returns the winner's index or -1. */
  private int choose(Set<Backend> tried, boolean backups) {
    int best = -1;
    int total = 0;
    for (int i = 0; i < score.length; i++) {
      Backend b = backends.get(i);
      if (b.isBackup() != backups || !b.isUsable() || tried.contains(b)) {
        continue;
      }
      score[i] += b.weight();
      total += b.weight();
      if (best < 0 || score[i] > score[best]) {
        best = i;
      }
    }
    if (best >= 0) {
      score[best] -= total;
    }
    return best;
  }
}
