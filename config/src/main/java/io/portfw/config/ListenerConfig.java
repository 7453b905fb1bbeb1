package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One listening port or port range and the pool it forwards to.
 *
 * @param acl which client addresses may connect
 * @param limits how many connections, at once and per second
 * @param sni when set, the pool is chosen by the TLS server name the client asks for
 * @param acceptProxy when set, every connection opens with a PROXY protocol header from a trusted address
 * @param udp the session settings of a UDP listener (a TCP listener has the defaults and ignores them)
 * @param socket socket options of the listening, client and backend sockets
 * @param tls when set, TLS is terminated here and the plaintext forwarded
 */
public record ListenerConfig(
    String name, Protocol protocol, ListenAddress listen, String pool, TimeoutsConfig timeouts, UdpConfig udp,
    AclConfig acl, LimitsConfig limits, Optional<AcceptProxyConfig> acceptProxy, Optional<SniConfig> sni,
    SocketConfig socket, Optional<TlsConfig> tls) {

  public ListenerConfig {
    requireNonNull(name, "name");
    requireNonNull(protocol, "protocol");
    requireNonNull(listen, "listen");
    requireNonNull(pool, "pool");
    requireNonNull(timeouts, "timeouts");
    requireNonNull(udp, "udp");
    requireNonNull(acl, "acl");
    requireNonNull(limits, "limits");
    requireNonNull(acceptProxy, "acceptProxy");
    requireNonNull(sni, "sni");
    requireNonNull(socket, "socket");
    requireNonNull(tls, "tls");
  }

  public ListenerConfig(String name, Protocol protocol, ListenAddress listen, String pool, TimeoutsConfig timeouts,
      UdpConfig udp, AclConfig acl, LimitsConfig limits, Optional<AcceptProxyConfig> acceptProxy, Optional<SniConfig> sni,
      SocketConfig socket) {
    this(name, protocol, listen, pool, timeouts, udp, acl, limits, acceptProxy, sni, socket, Optional.empty());
  }

  public ListenerConfig(String name, Protocol protocol, ListenAddress listen, String pool, TimeoutsConfig timeouts,
      UdpConfig udp, AclConfig acl, LimitsConfig limits, Optional<AcceptProxyConfig> acceptProxy, Optional<SniConfig> sni) {
    this(name, protocol, listen, pool, timeouts, udp, acl, limits, acceptProxy, sni, SocketConfig.DEFAULT);
  }

  public ListenerConfig(String name, Protocol protocol, ListenAddress listen, String pool, TimeoutsConfig timeouts) {
    this(name, protocol, listen, pool, timeouts, UdpConfig.DEFAULT, AclConfig.OPEN, LimitsConfig.NONE, Optional.empty(),
        Optional.empty(), SocketConfig.DEFAULT);
  }
}
