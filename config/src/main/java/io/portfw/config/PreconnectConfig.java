package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Warm backend connections, made ahead of demand so that a new client skips the connect.
 *
 * @param connections idle connections kept open to each usable backend, spread over the event loops
 * @param maxIdle how long one may wait unused before it is closed and replaced, so that backends
 *     and middleboxes with idle timeouts of their own never close one just as it is handed out
 */
public record PreconnectConfig(int connections, Duration maxIdle) {

  public static final int MAX_CONNECTIONS = 10_000;
  public static final Duration DEFAULT_MAX_IDLE = Duration.ofSeconds(30);

  public PreconnectConfig {
    if (connections < 1 || connections > MAX_CONNECTIONS) {
      throw new IllegalArgumentException("connections must be within 1-" + MAX_CONNECTIONS);
    }
    requireNonNull(maxIdle, "maxIdle");
  }
}
