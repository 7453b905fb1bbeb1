package io.portfw.core.cluster;

import java.util.Optional;

/**
 * Where an operator change made on another member is applied here, as if the admin API had been
 * asked, without publishing it again. Implemented by the runtime.
 */
public interface ClusterChangeTarget {

  /** Sets a backend's admin state ({@code enabled}, {@code draining}, {@code disabled}). */
  void adminState(String pool, String backend, String state, String who);

  /**
   * Sets a backend as the operator wants it at runtime: {@code backendJson} as the config has a
   * backend, or empty when it was removed; {@code what} says what was done ("weight 1 -> 3").
   */
  void backend(String pool, String backend, Optional<String> backendJson, String what, String who);
}
