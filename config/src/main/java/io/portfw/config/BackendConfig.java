package io.portfw.config;

import static java.util.Objects.requireNonNull;

/**
 * One internal server of a pool.
 *
 * @param weight share of new connections relative to the others, 0 (none) to 256
 * @param backup used only when no primary backend can take the connection
 */
public record BackendConfig(BackendAddress address, int weight, boolean backup) {

  public static final int DEFAULT_WEIGHT = 1;
  public static final int MAX_WEIGHT = 256;

  public BackendConfig {
    requireNonNull(address, "address");
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight " + weight + " is out of range 0-" + MAX_WEIGHT);
    }
  }
}
