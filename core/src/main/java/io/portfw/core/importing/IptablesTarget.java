package io.portfw.core.importing;

import io.portfw.core.importing.Forwards.PortRange;
import io.portfw.core.importing.IptablesRule.Option;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a DNAT or REDIRECT rule sends its connections: {@code --to-destination ip[-ip][:port[-port]]}
 * ({@code [v6]:port} too) or {@code --to-ports P}, as portfw backends with their shares.
 */
final class IptablesTarget {

  static final int MAX_RANGE_ADDRESSES = 256;

  private IptablesTarget() {}

  /** The backends of a DNAT or REDIRECT, each with its share; null when unreadable. */
  static Map<String, Double> backends(IptablesRule rule, List<PortRange> ports, String listenHost, boolean v6,
      List<String> approximations) {
    String hosts;
    String portText;
    if (rule.target().equals("REDIRECT")) {
      Optional<Option> to = rule.option("--to-ports");
      if (to.isEmpty()) {
        return null;
      }
      hosts = v6 || listenHost.contains(":") ? "::1" : "127.0.0.1";
      portText = to.get().value();
    } else {
      Optional<Option> to = rule.option("--to-destination", "--to");
      if (to.isEmpty()) {
        return null;
      }
      if (to.get().values().size() > 1) {
        approximations.add("only the first of several --to-destination is carried");
      }
      String text = to.get().value();
      if (text.startsWith("[")) {
        int close = text.indexOf(']');
        if (close < 0) {
          return null;
        }
        hosts = text.substring(1, close);
        portText = text.length() > close + 2 && text.charAt(close + 1) == ':' ? text.substring(close + 2) : "";
      } else if (text.indexOf(':') != text.lastIndexOf(':')) {
        hosts = text; // a bare IPv6 address
        portText = "";
      } else {
        int colon = text.indexOf(':');
        hosts = colon < 0 ? text : text.substring(0, colon);
        portText = colon < 0 ? "" : text.substring(colon + 1);
      }
    }
    int port = 0;
    if (!portText.isEmpty()) {
      String[] range = portText.split("-", 2);
      Integer first = IptablesImporter.number(range[0]);
      Integer last = range.length > 1 ? IptablesImporter.number(range[1]) : first;
      if (first == null || last == null || first < 1 || last > 65535 || last < first) {
        return null;
      }
      boolean keepsPort = ports.size() == 1 && ports.get(0).equals(new PortRange(first, last));
      if (!keepsPort) {
        port = first;
        if (last > first) {
          approximations.add("the kernel picks a port of " + first + "-" + last + "; portfw sends to " + first);
        }
      }
    }
    List<String> addresses = addresses(hosts);
    if (addresses == null || addresses.isEmpty()) {
      return null;
    }
    Map<String, Double> backends = new LinkedHashMap<>();
    for (String a : addresses) {
      backends.put(Forwards.backend(a, port), 1.0 / addresses.size());
    }
    return backends;
  }

  /** An address, or an IPv4 range {@code a-b} of at most 256; null when neither. */
  private static List<String> addresses(String hosts) {
    String[] range = hosts.split("-", 2);
    if (range.length == 1) {
      return hosts.matches("[0-9A-Fa-f.:]+") ? List.of(hosts) : null;
    }
    Long first = ipv4(range[0]);
    Long last = ipv4(range[1]);
    if (first == null || last == null || last < first || last - first >= MAX_RANGE_ADDRESSES) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (long a = first; a <= last; a++) {
      out.add((a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255));
    }
    return out;
  }

  private static Long ipv4(String text) {
    String[] o = text.split("\\.");
    if (o.length != 4) {
      return null;
    }
    long a = 0;
    for (String octet : o) {
      Integer v = IptablesImporter.number(octet);
      if (v == null || v > 255) {
        return null;
      }
      a = a << 8 | v;
    }
    return a;
  }
}
