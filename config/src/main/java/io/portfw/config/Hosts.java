package io.portfw.config;

import java.net.InetAddress;

/** Host names and address literals as portfw writes and judges them, in one place for every module. */
public final class Hosts {

  private Hosts() {}

  /** {@code host} ready to stand before a {@code :port}: an IPv6 literal in brackets, anything else as it is. */
  public static String bracketed(String host) {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  /** {@code 203.0.113.5:80}, {@code [2001:db8::5]:80}, {@code example.org:80}. */
  public static String hostPort(String host, int port) {
    return bracketed(host) + ":" + port;
  }

  /** Whether {@code host} is {@code localhost} or a loopback literal; a name is never looked up. */
  public static boolean isLoopback(String host) {
    return host.equals("localhost") || AddressParser.literal(host).map(InetAddress::isLoopbackAddress).orElse(false);
  }
}
