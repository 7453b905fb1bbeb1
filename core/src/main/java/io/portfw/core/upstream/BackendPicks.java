package io.portfw.core.upstream;

import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.Pool;
import io.portfw.core.observe.Refusal;
import java.util.Set;

/**
 * Pick and acquire, the same for a TCP connection and a UDP session: a backend the pool's
 * strategy picks, with one of its connection slots taken, or why there is none.
 */
public final class BackendPicks {

  private BackendPicks() {}

  /**
   * A backend of {@code pool} not in {@code tried}, its slot taken; null when none is left. Each
   * backend picked is added to {@code tried}, so a retry after a failed connect goes elsewhere.
   */
  public static Backend acquire(Pool pool, ClientContext client, Set<Backend> tried) {
    if (pool == null) {
      return null;
    }
    while (true) {
      Backend picked = pool.balancer().pick(client, tried);
      if (picked == null) {
        return null;
      }
      tried.add(picked);
      if (picked.tryAcquire()) {
        return picked;
      }
      // Another event loop took its last free slot since the pick: not a failure, pick again.
    }
  }

  /** Why {@link #acquire} found nothing in a pool: every usable backend full, or none usable. */
  public static Refusal noBackend(Pool pool) {
    return pool != null && pool.allUsableFull() ? Refusal.BACKENDS_FULL : Refusal.NO_BACKEND;
  }
}
