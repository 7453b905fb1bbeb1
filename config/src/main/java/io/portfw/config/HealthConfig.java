package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Active health checking of a pool's backends: a probe every {@code interval}, each allowed
 * {@code timeout}; {@code fall} failures in a row take a backend down and {@code rise}
 * successes in a row bring it back.
 *
 * @param port the port probed; 0 = the backend's own port
 * @param startDown a new backend takes no traffic until its first probe passes; otherwise
 *     it is taken as up until its first result
 */
public record HealthConfig(ProbeConfig probe, Duration interval, Duration timeout, int rise, int fall, int port,
    boolean startDown, Optional<BackendTlsConfig> tls) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  public static final int DEFAULT_RISE = 2;
  public static final int DEFAULT_FALL = 3;
  public static final int MAX_COUNT = 100;
  /** Probing faster than this would be a load test, not a health check. */
  public static final Duration SHORTEST_INTERVAL = Duration.ofMillis(50);

  public HealthConfig {
    requireNonNull(probe, "probe");
    requireNonNull(interval, "interval");
    requireNonNull(timeout, "timeout");
    requireNonNull(tls, "tls");
    if (rise < 1 || fall < 1 || port < 0 || port > 65535) {
      throw new IllegalArgumentException("rise and fall must be >= 1, port 0-65535");
    }
  }

  public HealthConfig(ProbeConfig probe, Duration interval, Duration timeout, int rise, int fall, int port,
      boolean startDown) {
    this(probe, interval, timeout, rise, fall, port, startDown, Optional.empty());
  }

  /** The same checks over TLS with these settings (the pool's, or verification against the system's trust store). */
  public HealthConfig withTls(BackendTlsConfig settings) {
    return new HealthConfig(probe, interval, timeout, rise, fall, port, startDown, Optional.of(settings));
  }

  /** TCP checks with every default. */
  public static HealthConfig tcp() {
    return new HealthConfig(new ProbeConfig.Tcp(), DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_RISE, DEFAULT_FALL, 0,
        false);
  }
}
