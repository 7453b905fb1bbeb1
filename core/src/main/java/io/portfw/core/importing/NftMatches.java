package io.portfw.core.importing;

import com.fasterxml.jackson.databind.JsonNode;
import io.portfw.core.importing.Forwards.PortRange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What the matches of one nft rule (and of the jumps that led to it) say about the connections a
 * dnat takes: protocols, destination ports and address, the clients allowed and denied, what was
 * not carried, or why the rule cannot be carried at all.
 */
final class NftMatches {

  final Set<String> protocols = new LinkedHashSet<>();
  List<PortRange> ports = List.of();
  String host;
  final List<String> allow = new ArrayList<>();
  final List<String> deny = new ArrayList<>();
  final List<String> approximations = new ArrayList<>();
  /** Set when the rule cannot be carried: why. */
  String dropWhy;

  /** A match's right side as the values it stands for (a set's elements, a named set's). */
  private final Function<JsonNode, List<JsonNode>> values;

  NftMatches(Function<JsonNode, List<JsonNode>> values) {
    this.values = values;
  }

  /** Adds what one {"match": ...} says. */
  void read(JsonNode match) {
    JsonNode left = match.path("left");
    JsonNode right = match.path("right");
    boolean not = match.path("op").asText("==").equals("!=");
    String what = NftText.value(left) + (not ? " != " : " ") + NftText.value(right);
    if (left.has("payload")) {
      String protocol = left.get("payload").path("protocol").asText();
      String field = left.get("payload").path("field").asText();
      boolean ip = protocol.equals("ip") || protocol.equals("ip6");
      if (ip && field.equals("daddr")) {
        List<JsonNode> addresses = values.apply(right);
        String one = addresses.size() == 1 && addresses.get(0).isTextual() ? addresses.get(0).asText()
            : addresses.size() == 1 && full(addresses.get(0)) ? addresses.get(0).get("prefix").path("addr").asText()
            : null;
        if (not || one == null) {
          approximations.add(what + " is not one address: the listener takes every address of the host");
        } else {
          host = one;
        }
      } else if (ip && field.equals("saddr")) {
        List<String> blocks = new ArrayList<>();
        for (JsonNode v : values.apply(right)) {
          if (v.isTextual()) {
            blocks.add(v.asText());
          } else if (v.has("prefix")) {
            blocks.add(NftText.value(v));
          } else {
            dropWhy = "its client match " + what + " is not addresses and blocks; the rule is left out rather than"
                + " opened wider";
            return;
          }
        }
        (not ? deny : allow).addAll(blocks);
      } else if (field.equals("dport") && (protocol.equals("tcp") || protocol.equals("udp") || protocol.equals("th"))) {
        if (!protocol.equals("th")) {
          protocols.add(protocol);
        }
        List<PortRange> matched = new ArrayList<>();
        for (JsonNode v : values.apply(right)) {
          int[] r = range(v);
          if (r == null || r[0] < 1 || r[1] > 65535) {
            dropWhy = "its port match " + what + " is not ports and ranges";
            return;
          }
          matched.add(new PortRange(r[0], r[1]));
        }
        if (not) {
          dropWhy = "it matches every port but " + NftText.value(right) + ": portfw listens on ports it is given";
          return;
        }
        ports = matched;
      } else if (ip && (field.equals("protocol") || field.equals("nexthdr"))) {
        protocols(right, not, what);
      } else {
        approximations.add("the match " + what + " is not carried");
      }
    } else if (left.has("meta")) {
      String key = left.get("meta").path("key").asText();
      if (key.equals("l4proto")) {
        protocols(right, not, what);
      } else if (!key.equals("nfproto")) {
        approximations.add("the match " + what + " is not carried" + (key.startsWith("iif")
            ? ": portfw listens on addresses, not interfaces" : ""));
      }
    } else if (left.has("fib") && right.asText().equals("local") && !not) {
      // fib daddr type local: what a listener on every address of the host receives anyway
    } else if (!(left.has("ct") && left.get("ct").path("key").asText().equals("state"))) {
      approximations.add("the match " + what + " is not carried");
    }
  }

  private void protocols(JsonNode right, boolean not, String what) {
    for (JsonNode v : values.apply(right)) {
      String p = v.asText();
      if (!not && (p.equals("tcp") || p.equals("udp"))) {
        protocols.add(p);
      } else if (!not && (p.equals("6") || p.equals("17"))) {
        protocols.add(p.equals("6") ? "tcp" : "udp");
      } else {
        dropWhy = "portfw forwards tcp and udp, and this rule matches " + what;
      }
    }
  }

  /** A set element with options ({"elem": {"val": ...}}) as its value. */
  static JsonNode unwrap(JsonNode e) {
    return e.has("elem") ? e.get("elem").path("val") : e;
  }

  private static boolean full(JsonNode v) {
    JsonNode p = v.path("prefix");
    return p.path("len").asInt() == (p.path("addr").asText().contains(":") ? 128 : 32);
  }

  /** A number, a string of digits, or {"range": [a, b]} as {first, last}; null otherwise. */
  static int[] range(JsonNode v) {
    if (v.has("range")) {
      int[] a = range(v.get("range").path(0));
      int[] b = range(v.get("range").path(1));
      return a == null || b == null || b[0] < a[0] ? null : new int[] {a[0], b[0]};
    }
    if (v.isInt() || v.isTextual() && v.asText().matches("\\d{1,9}")) {
      int n = v.asInt();
      return new int[] {n, n};
    }
    return null;
  }
}
