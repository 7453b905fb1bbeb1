package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A pool's waiting line: when every usable backend is at its {@code maxConnections}, a new client
 * waits (its socket not read) until a slot frees, first come first served, instead of being
 * refused at once.
 *
 * @param max the most clients that wait at once; one more is refused ({@code queue-full})
 * @param timeout how long a client may wait; then it is refused ({@code queue-timeout})
 */
public record QueueConfig(int max, Duration timeout) {

  public static final int MAX_LIMIT = 1_000_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public QueueConfig {
    requireNonNull(timeout, "timeout");
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1");
    }
  }
}
