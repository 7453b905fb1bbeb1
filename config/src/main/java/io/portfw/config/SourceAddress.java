package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;

/**
 * The local address that connections to backends are made from ({@code "source": "192.168.1.1"}),
 * with the local ports they may use when a range is given ({@code 192.168.1.1:1025-65000}); without
 * one the kernel picks the port. A range wider than the kernel's ephemeral range lets one address
 * hold more connections to one backend.
 */
public record SourceAddress(InetAddress ip, int firstPort, int lastPort) {

  /** No range: the kernel picks each connection's port. */
  public static final int ANY_PORT = 0;

  public SourceAddress {
    requireNonNull(ip, "ip");
    boolean none = firstPort == ANY_PORT && lastPort == ANY_PORT;
    if (!none && (firstPort < 1 || lastPort > 65535 || firstPort > lastPort)) {
      throw new IllegalArgumentException("bad source port range " + firstPort + "-" + lastPort);
    }
  }

  public static SourceAddress of(InetAddress ip) {
    return new SourceAddress(ip, ANY_PORT, ANY_PORT);
  }

  public boolean hasPortRange() {
    return firstPort != ANY_PORT;
  }

  /** How many ports the range holds; 0 without one. */
  public int portCount() {
    return hasPortRange() ? lastPort - firstPort + 1 : 0;
  }

  @Override
  public String toString() {
    String host = ip.getHostAddress();
    if (ip instanceof java.net.Inet6Address) {
      host = "[" + host + "]";
    }
    return hasPortRange() ? host + ":" + firstPort + "-" + lastPort : host;
  }
}
