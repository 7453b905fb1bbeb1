package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A listener's timeouts.
 *
 * @param connect how long one backend connect attempt may take
 * @param idle how long a connection may pass no byte either way before both sides are closed
 * @param drain how long live connections may go on after the listener stops accepting
 */
public record TimeoutsConfig(Duration connect, Duration idle, Duration drain) {

  public static final TimeoutsConfig DEFAULT =
      new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(30));

  public TimeoutsConfig {
    requireNonNull(connect, "connect");
    requireNonNull(idle, "idle");
    requireNonNull(drain, "drain");
  }

  public TimeoutsConfig withDrain(Duration drain) {
    return new TimeoutsConfig(connect, idle, drain);
  }
}
