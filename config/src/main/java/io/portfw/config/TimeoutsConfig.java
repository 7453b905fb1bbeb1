package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A listener's timeouts.
 *
 * @param connect how long one backend connect attempt may take
 * @param idle how long a connection may pass no byte either way before both sides are closed
 * @param drain how long live connections may go on after the listener stops accepting
 * @param fin the idle timeout once either side has ended its direction (sent a FIN), so a
 *     half-closed connection whose other side never finishes does not last the whole idle timeout
 */
public record TimeoutsConfig(Duration connect, Duration idle, Duration drain, Duration fin) {

  public static final TimeoutsConfig DEFAULT = new TimeoutsConfig(
      Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofMinutes(1));

  public TimeoutsConfig {
    requireNonNull(connect, "connect");
    requireNonNull(idle, "idle");
    requireNonNull(drain, "drain");
    requireNonNull(fin, "fin");
  }

  public TimeoutsConfig withDrain(Duration drain) {
    return new TimeoutsConfig(connect, idle, drain, fin);
  }
}
