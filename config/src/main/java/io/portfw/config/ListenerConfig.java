package io.portfw.config;

import static java.util.Objects.requireNonNull;

/**
 * One listening port or port range and the pool it forwards to.
 *
 * @param udp the session settings of a UDP listener (a TCP listener has the defaults and ignores them)
 */
public record ListenerConfig(
    String name, Protocol protocol, ListenAddress listen, String pool, TimeoutsConfig timeouts, UdpConfig udp) {

  public ListenerConfig {
    requireNonNull(name, "name");
    requireNonNull(protocol, "protocol");
    requireNonNull(listen, "listen");
    requireNonNull(pool, "pool");
    requireNonNull(timeouts, "timeouts");
    requireNonNull(udp, "udp");
  }

  public ListenerConfig(String name, Protocol protocol, ListenAddress listen, String pool, TimeoutsConfig timeouts) {
    this(name, protocol, listen, pool, timeouts, UdpConfig.DEFAULT);
  }
}
