package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portfw.core.importing.NginxDirectives.Directive;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * An nginx stream {@code upstream NAME { ... }} as a portfw pool: {@code server} lines as backends
 * (weight, max_conns, backup, down), the balancing directive, and {@code max_fails}/{@code
 * fail_timeout} as passive health ({@code outlier}).
 */
final class NginxUpstream {

  final String name;
  final ObjectNode node;
  /** The line of the first server block that set the PROXY protocol on this pool, with its value. */
  String proxyProtocol;

  private NginxUpstream(ObjectNode node) {
    this.node = node;
    this.name = node.get("name").asText();
  }

  /** A pool the import made itself (for {@code proxy_pass ADDRESS}). */
  static NginxUpstream ofNode(ObjectNode node) {
    return new NginxUpstream(node);
  }

  static NginxUpstream of(Directive upstream, ConfigDraft draft, LineOutcomes out) {
    NginxUpstream u = new NginxUpstream(draft.addPool(upstream.arg(0)));
    String became = "pool " + u.name;
    Integer maxFails = null;
    Long failTimeout = null;
    Directive outlierFrom = null;
    for (Directive d : upstream.block()) {
      switch (d.name()) {
        case "server" -> {
          int[] fails = {-1};
          long[] timeout = {-1};
          u.server(d, draft, out, fails, timeout);
          if (fails[0] >= 0 || timeout[0] >= 0) {
            int f = fails[0] >= 0 ? fails[0] : 1;
            long t = timeout[0] >= 0 ? timeout[0] : 10_000;
            if (outlierFrom == null) {
              maxFails = f;
              failTimeout = t;
              outlierFrom = d;
            } else if (maxFails != f || failTimeout != t) {
              out.approximated(d.line(), d.raw(), became, "portfw's passive health is per pool: max_fails "
                  + maxFails + " and fail_timeout " + ImportDurations.text(failTimeout) + " as on line "
                  + outlierFrom.line());
            }
          }
        }
        case "least_conn" -> {
          u.node.put("balance", "least-connections");
          out.carried(d.line(), d.raw(), became + ": balance least-connections");
        }
        case "hash" -> {
          u.node.put("balance", "source-hash");
          if (d.arg(0).equals("$remote_addr") && d.arg(1).equals("consistent")) {
            out.carried(d.line(), d.raw(), became + ": balance source-hash (consistent, Maglev)");
          } else if (d.arg(0).equals("$remote_addr")) {
            out.approximated(d.line(), d.raw(), became + ": balance source-hash",
                "portfw's source hash is consistent: fewer clients move when a server is added or removed");
          } else {
            u.node.remove("balance");
            out.approximated(d.line(), d.raw(), became + ": balance round-robin", "portfw hashes only the client"
                + " address, not " + d.arg(0));
          }
        }
        case "ip_hash" -> {
          u.node.put("balance", "source-hash");
          out.approximated(d.line(), d.raw(), became + ": balance source-hash",
              "ip_hash hashes the first three octets of an IPv4 address; portfw hashes the whole address");
        }
        case "random" -> {
          boolean two = d.arg(0).equals("two");
          u.node.put("balance", two ? "power-of-two" : "random");
          if (two && d.args().size() > 1 && !d.arg(1).equals("least_conn")) {
            out.approximated(d.line(), d.raw(), became + ": balance power-of-two",
                "portfw takes the one with fewer connections, not by " + d.arg(1));
          } else {
            out.carried(d.line(), d.raw(), became + ": balance " + u.node.get("balance").asText());
          }
        }
        case "zone" -> out.carried(d.line(), d.raw(), "nothing needed: portfw shares a pool's state between its"
            + " event loops");
        default -> out.dropped(d.line(), d.raw(), "the upstream directive " + d.name() + " has no portfw form");
      }
    }
    if (outlierFrom != null && maxFails > 0) {
      String t = ImportDurations.text(Math.max(1, failTimeout));
      u.node.putObject("outlier").put("consecutiveFailures", Math.min(1000, maxFails)).put("ejectionTime", t)
          .put("maxEjectionTime", t).put("maxEjectionPercent", 100);
      out.approximated(outlierFrom.line(), outlierFrom.raw(), became + ": outlier " + u.node.get("outlier"),
          "nginx counts max_fails failures within fail_timeout, portfw counts failures in a row; and portfw never"
              + " ejects the last server that could take clients");
    }
    out.carried(upstream.line(), upstream.raw(), became);
    return u;
  }

  boolean hasBackends() {
    return !node.get("backends").isEmpty();
  }

  private void server(Directive d, ConfigDraft draft, LineOutcomes out, int[] fails, long[] timeout) {
    String address = backendAddress(d.arg(0));
    if (address == null) {
      out.dropped(d.line(), d.raw(), "the address " + d.arg(0) + " is not a TCP or UDP host and port");
      return;
    }
    ArrayNode backends = (ArrayNode) node.get("backends");
    if (backends.findValuesAsText("address").contains(address)) {
      out.dropped(d.line(), d.raw(), "the address " + address + " is already a backend of pool " + name);
      return;
    }
    ObjectNode b = draft.addBackend(node, address);
    List<String> why = new ArrayList<>();
    for (String p : d.args().subList(1, d.args().size())) {
      String key = p.contains("=") ? p.substring(0, p.indexOf('=')) : p;
      String value = p.contains("=") ? p.substring(p.indexOf('=') + 1) : "";
      switch (key) {
        case "weight" -> b.put("weight", number(value, 1, 256, "weight", why, 1));
        case "max_conns" -> b.put("maxConnections", number(value, 0, 10_000_000, "max_conns", why, 0));
        case "backup" -> b.put("backup", true);
        case "down" -> {
          b.put("weight", 0);
          why.add("down (permanently unavailable) becomes weight 0: it takes no new connections");
        }
        case "max_fails" -> fails[0] = number(value, 0, 1000, "max_fails", why, 1);
        case "fail_timeout" -> {
          OptionalLong ms = NginxTimes.millis(value);
          if (ms.isPresent()) {
            timeout[0] = ms.getAsLong();
          } else {
            why.add("fail_timeout " + value + " is not a time");
          }
        }
        default -> why.add("the server parameter " + p + " is not carried");
      }
    }
    String became = "pool " + name + ": backend " + b;
    if (why.isEmpty()) {
      out.carried(d.line(), d.raw(), became);
    } else {
      out.approximated(d.line(), d.raw(), became, String.join("; ", why));
    }
  }

  private static int number(String value, int min, int max, String what, List<String> why, int fallback) {
    if (!value.matches("\\d{1,9}")) {
      why.add(what + "=" + value + " is not a number: " + fallback + " is used");
      return fallback;
    }
    int n = Integer.parseInt(value);
    int clamped = Math.max(min, Math.min(max, n));
    if (clamped != n) {
      why.add(what + "=" + n + " is outside portfw's " + min + "-" + max + ": " + clamped + " is used");
    }
    return clamped;
  }

  /** nginx's {@code host[:port]} (port 80 when left out) as a portfw backend address, or null. */
  static String backendAddress(String address) {
    if (address.startsWith("unix:") || address.isEmpty() || address.startsWith("$")) {
      return null;
    }
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 0) {
        return null;
      }
      String rest = address.substring(close + 1);
      return rest.isEmpty() ? address + ":80" : rest.matches(":\\d{1,5}") ? address : null;
    }
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      return address + ":80";
    }
    if (address.indexOf(':') != colon) {
      return "[" + address + "]:80"; // a bare IPv6 address
    }
    String port = address.substring(colon + 1);
    return port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535 ? address : null;
  }
}
