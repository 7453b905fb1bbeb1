package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One internal server of a pool.
 *
 * @param weight share of new connections relative to the others, 0 (none) to 256
 * @param backup used only when no primary backend can take the connection
 * @param maxConnections at most this many connections at once (0 = no limit)
 * @param source the local address connections to it are made from, instead of the pool's
 */
public record BackendConfig(BackendAddress address, int weight, boolean backup, int maxConnections,
    Optional<SourceAddress> source) {

  public static final int DEFAULT_WEIGHT = 1;
  public static final int MAX_WEIGHT = 256;
  public static final int UNLIMITED = 0;
  public static final int MAX_CONNECTIONS_LIMIT = 10_000_000;

  public BackendConfig {
    requireNonNull(address, "address");
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight " + weight + " is out of range 0-" + MAX_WEIGHT);
    }
    if (maxConnections < 0) {
      throw new IllegalArgumentException("maxConnections " + maxConnections + " < 0");
    }
    requireNonNull(source, "source");
  }

  public BackendConfig(BackendAddress address, int weight, boolean backup, int maxConnections) {
    this(address, weight, backup, maxConnections, Optional.empty());
  }

  /** A backend of default weight, primary, without a connection limit. */
  public static BackendConfig of(BackendAddress address) {
    return new BackendConfig(address, DEFAULT_WEIGHT, false, UNLIMITED);
  }
}
