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
    int i = (rotor.getAndIncrement() & Integer.MAX_VALUE) % n;
    boolean anyTried = !tried.isEmpty();
    Backend best = null;
    int bestActive = 0;
    int bestWeight = 0;
    for (int k = 0; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
      Backend b = group[i];
      int weight = b.weightIfItCanTake();
      if (weight == 0 || (anyTried && tried.contains(b))) {
        continue;
      }
      int active = b.activeConnections();
      if (best == null || Candidates.lessLoaded(active, weight, bestActive, bestWeight)) {
        best = b;
        bestActive = active;
        bestWeight = weight;
      }
    }
    return best;
  }
}
