package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where an access log sent to syslog goes: a host and UDP port ({@code syslog://HOST:PORT}) or a
 * unix datagram socket ({@code syslog:/dev/log}). Exactly one of the two is set.
 *
 * @param host the host for UDP, or null
 * @param port the UDP port, or 0
 * @param socket the absolute path of a unix datagram socket, or null
 */
public record SyslogTarget(String host, int port, String socket) {

  static final String SHAPES = "syslog://HOST:PORT (RFC 5424 over UDP) or syslog:/PATH (a unix datagram socket such as /dev/log)";
  private static final String UDP = "syslog://";
  private static final String UNIX = "syslog:";

  public SyslogTarget {
    if ((host == null) == (socket == null)) {
      throw new IllegalArgumentException("a host and port, or a socket path");
    }
  }

  /** Whether an output names syslog at all (then {@link #parse} says whether it is well formed). */
  static boolean isSyslog(String output) {
    return output.startsWith(UNIX);
  }

  /** The target an output names; throws with the reason when it is malformed. */
  static SyslogTarget parse(String output) {
    requireNonNull(output, "output");
    if (output.startsWith(UDP)) {
      String rest = output.substring(UDP.length());
      int colon = rest.lastIndexOf(':');
      String host = colon < 0 ? rest : rest.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (colon < 0 || host.isEmpty()) {
        throw new IllegalArgumentException("\"" + output + "\" needs a host and a port: " + SHAPES);
      }
      int port;
      try {
        port = Integer.parseInt(rest.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("\"" + output + "\": the port must be 1-65535: " + SHAPES);
      }
      return new SyslogTarget(host, port, null);
    }
    String path = output.substring(UNIX.length());
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("\"" + output + "\" is neither of " + SHAPES);
    }
    return new SyslogTarget(null, 0, path);
  }

  /** Sent over UDP (else to a unix socket). */
  public boolean udp() {
    return host != null;
  }

  @Override
  public String toString() {
    return udp() ? UDP + (host.contains(":") ? "[" + host + "]" : host) + ":" + port : UNIX + socket;
  }

  /** The syslog target of an access log's output, when it names one. */
  public static Optional<SyslogTarget> of(String output) {
    return isSyslog(output) ? Optional.of(parse(output)) : Optional.empty();
  }
}
