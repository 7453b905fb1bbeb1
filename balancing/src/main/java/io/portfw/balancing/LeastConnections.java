package io.portfw.balancing;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Least connections: the backend with the fewest active connections for its weight, counting
 * the new one ((active + 1) / weight), so an idle pool still prefers the heavier backend. The
 * scan starts one place further on each pick, so equally loaded backends share ties instead
 * of the first always winning.
 *
 * <p>O(n) per pick, reading each backend's atomic counter once; no sorting, no lock.
 */
final class LeastConnections extends PrimariesFirst<Backend[]> {

  private final AtomicInteger rotor = new AtomicInteger();

  LeastConnections(List<Backend> backends) {
    super(backends, group -> group);
  }

  @Override
  Backend pickIn(Backend[] group, ClientContext client, Set<Backend> tried) {
    int n = group.length;
    if (n == 0) {
      return null;
    }
    int start = rotor.getAndIncrement() & Integer.MAX_VALUE;
    Backend best = null;
    for (int k = 0; k < n; k++) {
      Backend b = group[(start + k) % n];
      if (Candidates.eligible(b, tried) && (best == null || Candidates.lessLoaded(b, best))) {
        best = b;
      }
    }
    return best;
  }
}
