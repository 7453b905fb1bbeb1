package io.portfw.config;

import static java.util.Objects.requireNonNull;

/** One listening port or port range and the pool it forwards to. */
public record ListenerConfig(
    String name, Protocol protocol, ListenAddress listen, String pool, TimeoutsConfig timeouts) {

  public ListenerConfig {
    requireNonNull(name, "name");
    requireNonNull(protocol, "protocol");
    requireNonNull(listen, "listen");
    requireNonNull(pool, "pool");
    requireNonNull(timeouts, "timeouts");
  }
}
