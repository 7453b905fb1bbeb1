package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.stream.IntStream;

/**
 * Where a listener accepts: a host and one port or an inclusive port range
 * ({@code 0.0.0.0:30000-30100}).
 */
public record ListenAddress(String host, int firstPort, int lastPort) {

  public ListenAddress {
    requireNonNull(host, "host");
    if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort) {
      throw new IllegalArgumentException("bad port range " + firstPort + "-" + lastPort);
    }
  }

  public static ListenAddress of(String host, int port) {
    return new ListenAddress(host, port, port);
  }

  /**
   * Parses a listen word such as {@code 0.0.0.0:8080}, {@code [::1]:80} or {@code 0.0.0.0:30000-30100}.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static ListenAddress parse(String text) {
    requireNonNull(text, "text");
    Problems problems = new Problems();
    return new AddressParser(problems).listen(text, "listen")
        .orElseThrow(() -> new IllegalArgumentException(problems.list().get(0).message()));
  }

  public boolean isRange() {
    return firstPort != lastPort;
  }

  public IntStream ports() {
    return IntStream.rangeClosed(firstPort, lastPort);
  }

  /** Whether both can not be bound at once: same port on the same or a wildcard host. */
  public boolean overlaps(ListenAddress other) {
    boolean portsMeet = firstPort <= other.lastPort && other.firstPort <= lastPort;
    boolean hostsMeet = host.equals(other.host) || isWildcard(host) || isWildcard(other.host);
    return portsMeet && hostsMeet;
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  @Override
  public String toString() {
    String h = Hosts.bracketed(host);
    return h + ":" + firstPort + (isRange() ? "-" + lastPort : "");
  }
}
