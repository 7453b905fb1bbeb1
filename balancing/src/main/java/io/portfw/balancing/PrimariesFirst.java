package io.portfw.balancing;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The frame every strategy shares: its structure is built once for the primaries and once for
 * the backups, and the backups are asked only when no primary can take the client.
 *
 * @param <G> what the strategy builds over one group (a schedule, a hash table, an array)
 */
abstract class PrimariesFirst<G> implements LoadBalancer {

  private final G primaries;
  private final G backups;

  PrimariesFirst(List<Backend> backends, Function<Backend[], G> build) {
    this.primaries = build.apply(Candidates.primaries(backends));
    this.backups = build.apply(Candidates.backups(backends));
  }

  @Override
  public final Backend pick(ClientContext client, Set<Backend> tried) {
    Backend b = pickIn(primaries, client, tried);
    return b != null ? b : pickIn(backups, client, tried);
  }

  G primaries() {
    return primaries;
  }

  /** An eligible backend of this group for the client, or null. */
  abstract Backend pickIn(G group, ClientContext client, Set<Backend> tried);
}
