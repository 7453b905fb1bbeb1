package io.portfw.balancing;

import java.util.Set;

/**
 * Chooses a backend for a new connection. Built for one {@link Pool} snapshot; called from
 * every event loop at once, so implementations are thread-safe and never block or do I/O.
 */
public interface LoadBalancer {

  /**
   * A usable backend for this client, or {@code null} when none can take it.
   *
   * @param tried backends already tried for this connection, never returned again
   */
  Backend pick(ClientContext client, Set<Backend> tried);

  default Backend pick(ClientContext client) {
    return pick(client, Set.of());
  }
}
