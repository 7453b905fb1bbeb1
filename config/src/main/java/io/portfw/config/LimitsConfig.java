package io.portfw.config;

/**
 * How much one listener takes: 0 means no limit for each.
 *
 * @param maxConnections connections open at once over all clients
 * @param maxConnectionsPerSource connections open at once from one client address
 * @param connectionRate new connections per second from one client address (a token bucket
 *     holding one second's worth)
 */
public record LimitsConfig(int maxConnections, int maxConnectionsPerSource, int connectionRate) {

  public static final LimitsConfig NONE = new LimitsConfig(0, 0, 0);
  public static final int MAX = 10_000_000;

  public LimitsConfig {
    if (maxConnections < 0 || maxConnectionsPerSource < 0 || connectionRate < 0) {
      throw new IllegalArgumentException("limits must be >= 0");
    }
  }

  public boolean isNone() {
    return equals(NONE);
  }
}
