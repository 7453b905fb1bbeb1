package io.portfw.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses {@code host:port}, {@code host:first-last} and {@code [v6]:port} address words,
 * reporting what is wrong with a malformed one against its path.
 */
final class AddressParser {

  private static final Pattern HOST_NAME =
      Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  private final Problems problems;

  AddressParser(Problems problems) {
    this.problems = problems;
  }

  /** A listen address: a host and a port or port range, both required. */
  Optional<ListenAddress> listen(String text, String path) {
    Optional<String[]> parts = split(text, path, true);
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    String host = parts.get()[0];
    String ports = parts.get()[1];
    int dash = ports.indexOf('-');
    int first = port(dash < 0 ? ports : ports.substring(0, dash), path);
    int last = dash < 0 ? first : port(ports.substring(dash + 1), path);
    if (first < 0 || last < 0) {
      return Optional.empty();
    }
    if (first > last) {
      problems.add(path, "port range " + ports + " runs backwards");
      return Optional.empty();
    }
    return Optional.of(new ListenAddress(host, first, last));
  }

  /** A backend address: a host and an optional port (absent = the client's port). */
  Optional<BackendAddress> backend(String text, String path) {
    Optional<String[]> parts = split(text, path, false);
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    String host = parts.get()[0];
    if (literal(host).map(InetAddress::isAnyLocalAddress).orElse(false)) {
      problems.add(path, host + " is the wildcard address, not a server: name the backend's own address");
      return Optional.empty();
    }
    String ports = parts.get()[1];
    if (ports == null) {
      return Optional.of(new BackendAddress(host, BackendAddress.CLIENT_PORT));
    }
    int port = port(ports, path);
    return port < 0 ? Optional.empty() : Optional.of(new BackendAddress(parts.get()[0], port));
  }

  /**
   * A source address: a local IP literal, optionally with the port range connections may use
   * ({@code 192.168.1.1}, {@code 192.168.1.1:1025-65000}, {@code [fd00::1]:1025-65000}). Local means
   * a socket can be bound to it here now: checked with a bind to an ephemeral port, nothing sent.
   */
  Optional<SourceAddress> source(String text, String path) {
    Optional<String[]> parts = split(text, path, false);
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    String host = parts.get()[0];
    Optional<InetAddress> ip = literal(host);
    if (ip.isEmpty()) {
      problems.add(path, "\"" + host + "\" is not an IP address: a source is one of this machine's own addresses");
      return Optional.empty();
    }
    if (ip.get().isAnyLocalAddress()) {
      problems.add(path, host + " is the wildcard address: name the local address to connect from, or leave"
          + " \"source\" out to let the kernel choose");
      return Optional.empty();
    }
    if (!LocalAddresses.isLocal(ip.get())) {
      problems.add(path, host + " is not an address of this machine (no socket can be bound to it here)");
      return Optional.empty();
    }
    String ports = parts.get()[1];
    if (ports == null) {
      return Optional.of(SourceAddress.of(ip.get()));
    }
    int dash = ports.indexOf('-');
    if (dash < 0) {
      problems.add(path, "a single source port allows one connection per backend at a time: give a range,"
          + " e.g. " + text.substring(0, text.length() - ports.length()) + "1025-65000");
      return Optional.empty();
    }
    int first = port(ports.substring(0, dash), path);
    int last = port(ports.substring(dash + 1), path);
    if (first < 0 || last < 0) {
      return Optional.empty();
    }
    if (first > last) {
      problems.add(path, "port range " + ports + " runs backwards");
      return Optional.empty();
    }
    return Optional.of(new SourceAddress(ip.get(), first, last));
  }

  /** {host, portText}; portText is null when absent and not required. */
  private Optional<String[]> split(String text, String path, boolean portRequired) {
    String host;
    String rest;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        problems.add(path, "\"" + text + "\" has no closing ']'");
        return Optional.empty();
      }
      host = text.substring(1, close);
      rest = text.substring(close + 1);
      if (!host.contains(":") || !IPV6.matcher(host).matches() || literal(host).isEmpty()) {
        problems.add(path, "\"" + host + "\" is not an IPv6 address");
        return Optional.empty();
      }
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        problems.add(path, "unexpected \"" + rest + "\" after ']'");
        return Optional.empty();
      }
      rest = rest.isEmpty() ? null : rest.substring(1);
    } else {
      int colon = text.indexOf(':');
      if (colon != text.lastIndexOf(':')) {
        problems.add(path, "an IPv6 address needs brackets, e.g. [::1]:8080");
        return Optional.empty();
      }
      host = colon < 0 ? text : text.substring(0, colon);
      rest = colon < 0 ? null : text.substring(colon + 1);
      if (!validHost(host)) {
        problems.add(path, "\"" + host + "\" is not a valid host name or IPv4 address");
        return Optional.empty();
      }
    }
    if (rest == null && portRequired) {
      problems.add(path, "\"" + text + "\" has no port (write host:port, e.g. 0.0.0.0:8080)");
      return Optional.empty();
    }
    return Optional.of(new String[] {host, rest});
  }

  private static boolean validHost(String host) {
    if (IPV4_LIKE.matcher(host).matches()) {
      String[] octets = host.split("\\.", -1);
      if (octets.length != 4) {
        return false;
      }
      for (String octet : octets) {
        if (octet.isEmpty() || octet.length() > 3 || Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return true;
    }
    return HOST_NAME.matcher(host).matches();
  }

  /** The address an IP literal names, without any name lookup; empty for host names and bad literals. */
  static Optional<InetAddress> literal(String host) {
    boolean v6 = host.indexOf(':') >= 0 && IPV6.matcher(host).matches();
    boolean v4 = IPV4_LIKE.matcher(host).matches() && validHost(host);
    if (!v4 && !v6) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(host)); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** The port, or -1 after reporting why the text is not one. */
  private int port(String text, String path) {
    if (text.isEmpty() || !text.chars().allMatch(Character::isDigit)) {
      problems.add(path, "port \"" + text + "\" is not a number");
      return -1;
    }
    if (text.length() > 5) {
      problems.add(path, "port " + text + " is out of range 1-65535");
      return -1;
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      problems.add(path, "port " + port + " is out of range 1-65535");
      return -1;
    }
    return port;
  }
}
