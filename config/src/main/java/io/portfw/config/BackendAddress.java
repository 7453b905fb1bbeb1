package io.portfw.config;

import static java.util.Objects.requireNonNull;

/**
 * Where a backend is reached: a host and a port, or only a host, in which case the
 * connection goes to the same port the client connected to (useful with port ranges).
 */
public record BackendAddress(String host, int port) {

  /** The port value meaning "the port the client connected to". */
  public static final int CLIENT_PORT = 0;

  public BackendAddress {
    requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
    }
  }

  /** An IP address literal: connecting needs no name lookup. */
  public boolean isLiteral() {
    return AddressParser.literal(host).isPresent();
  }

  /** The address itself when the host is an IP literal; empty for a name, which needs a lookup. */
  public java.util.Optional<java.net.InetAddress> literal() {
    return AddressParser.literal(host);
  }

  public boolean keepsClientPort() {
    return port == CLIENT_PORT;
  }

  /** The port to connect to for a client that arrived on {@code localPort}. */
  public int portFor(int localPort) {
    return keepsClientPort() ? localPort : port;
  }

  @Override
  public String toString() {
    String h = Hosts.bracketed(host);
    return keepsClientPort() ? h : h + ":" + port;
  }
}
