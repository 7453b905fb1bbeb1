package io.portfw.balancing;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Least connections, as nginx's {@code least_conn}: the backend with the fewest active
 * connections for its weight (active / weight). Backends tied for least are chosen among at
 * random by weight, so under light load, when nobody is busy, shares still follow the weights,
 * and ties are never always won by the same one.
 *
 * <p>O(n) per pick, reading each backend's counter once; no sorting, no lock.
 */
final class LeastConnections extends PrimariesFirst<Backend[]> {

  private final Supplier<RandomGenerator> random;

  LeastConnections(List<Backend> backends, Supplier<RandomGenerator> random) {
    super(backends, group -> group);
    this.random = random;
  }

  @Override
  Backend pickIn(Backend[] group, ClientContext client, Set<Backend> tried) {
    boolean anyTried = !tried.isEmpty();
    Backend best = null;
    int bestActive = 0;
    int bestWeight = 0;
    long tiedWeight = 0;
    RandomGenerator r = null;
    for (Backend b : group) {
      int weight = b.weightIfItCanTake();
      if (weight == 0 || (anyTried && tried.contains(b))) {
        continue;
      }
      int active = b.activeConnections();
      if (best == null || Candidates.lessLoaded(active, weight, bestActive, bestWeight)) {
        best = b;
        bestActive = active;
        bestWeight = weight;
        tiedWeight = weight;
      } else if (!Candidates.lessLoaded(bestActive, bestWeight, active, weight)) {
        // A tie: keep each tied backend with probability weight / tied weight so far (weighted reservoir sampling).
        tiedWeight += weight;
        r = r == null ? random.get() : r;
        if (r.nextLong(tiedWeight) < weight) {
          best = b;
          bestActive = active;
          bestWeight = weight;
        }
      }
    }
    return best;
  }
}
