package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The forwarding rules of a packet filter (iptables DNAT, nft dnat), gathered by what portfw can
 * tell apart: protocol, address and ports. The rules of one such key form a cascade, each taking
 * its probability of what the rules before it left, as the kernel walks a chain; the shares of
 * each backend become the weights of one pool. Rules portfw cannot express are reported as
 * dropped the moment they are added; the rest are reported when written.
 */
final class Forwards {

  private static final double NOTHING_LEFT = 1e-9;

  /** Ports {@code first}-{@code last}, both included. */
  record PortRange(int first, int last) {
    boolean overlaps(PortRange o) {
      return first <= o.last && o.first <= last;
    }

    String text() {
      return first == last ? Integer.toString(first) : first + "-" + last;
    }
  }

  /** What a listener is: its protocol, address (a wildcard when the rule names none) and ports. */
  record Key(String protocol, String host, List<PortRange> ports) {
    Key {
      ports = List.copyOf(ports);
    }

    boolean wildcard() {
      return host.equals("0.0.0.0") || host.equals("::");
    }

    String text() {
      return protocol + " " + listen(host, ports.stream().map(PortRange::text).collect(Collectors.joining(",")));
    }
  }

  /** The clients a rule matches: CIDR blocks allowed (none: all) and denied. */
  record Access(List<String> allow, List<String> deny) {
    static final Access ALL = new Access(List.of(), List.of());

    Access {
      allow = List.copyOf(allow);
      deny = List.copyOf(deny);
    }
  }

  /**
   * One forwarding rule: it takes {@code probability} of the connections that reach it and spreads
   * them over {@code backends} (address to share, the shares adding up to one) by {@code balance}
   * (null: the rule says nothing of how, as the last rule of a cascade that takes the rest);
   * {@code maxPerSource} 0 is no limit; {@code approximations} say what of it was not carried.
   */
  record Rule(int line, String source, Key key, Access access, double probability, String balance,
      Map<String, Double> backends, int maxPerSource, List<String> approximations) {}

  /** A per-client connection limit written as its own rule (a reject above N) for a protocol and ports. */
  record Limit(int line, String source, String protocol, String host, List<PortRange> ports, int max) {}

  private static final class Group {
    final Key key;
    final Access access;
    final List<Rule> rules = new ArrayList<>();
    double rest = 1;

    Group(Key key, Access access) {
      this.key = key;
      this.access = access;
    }
  }

  private final List<Group> groups = new ArrayList<>();
  private final List<Limit> limits = new ArrayList<>();

  /** Adds a rule to its key's cascade, or reports it dropped when portfw cannot tell it from an earlier one. */
  void add(Rule rule, ImportReport report) {
    for (Group g : groups) {
      if (g.key.equals(rule.key())) {
        int first = g.rules.get(0).line();
        if (!g.access.equals(rule.access())) {
          report.dropped(rule.line(), rule.source(), "it matches other clients than line " + first + " for the same "
              + g.key.text() + "; portfw chooses the backends by protocol, address and port alone, so it cannot tell"
              + " the two apart (the earlier rule is kept)");
        } else if (g.rest <= NOTHING_LEFT) {
          report.dropped(rule.line(), rule.source(), "it is never reached: the rule(s) from line " + first + " for "
              + g.key.text() + " take every connection before it");
        } else {
          g.rules.add(rule);
          g.rest -= g.rest * rule.probability();
        }
        return;
      }
      if (overlaps(g.key, rule.key())) {
        report.dropped(rule.line(), rule.source(), "line " + g.rules.get(0).line() + " already forwards "
            + g.key.text() + ", which shares ports with " + rule.key().text() + "; a port is one listener's");
        return;
      }
    }
    Group g = new Group(rule.key(), rule.access());
    g.rules.add(rule);
    g.rest -= rule.probability();
    groups.add(g);
  }

  /** A limit for the listeners of {@code protocol} on exactly these ports (and this address, unless null). */
  void limit(Limit limit) {
    limits.add(limit);
  }

  boolean isEmpty() {
    return groups.isEmpty();
  }

  void write(ConfigDraft draft, ImportReport report) {
    Map<Limit, List<String>> used = new LinkedHashMap<>();
    for (Group g : groups) {
      write(g, draft, report, used);
    }
    used.forEach((l, names) -> report.carried(l.line(), l.source(), "limits.maxConnectionsPerSource " + l.max()
        + " on the listener(s) of " + String.join(", ", names)));
    limits.stream().filter(l -> !used.containsKey(l)).forEach(l -> report.dropped(l.line(), l.source(),
        "no forwarding rule has the same protocol and ports (" + l.protocol() + " "
            + l.ports().stream().map(PortRange::text).collect(Collectors.joining(",")) + ") for its limit"));
  }

  private void write(Group g, ConfigDraft draft, ImportReport report, Map<Limit, List<String>> used) {
    Map<String, Double> shares = new LinkedHashMap<>();
    Set<String> balances = new LinkedHashSet<>();
    double rest = 1;
    int maxPerSource = 0;
    for (Rule r : g.rules) {
      double take = rest * r.probability();
      r.backends().forEach((address, share) -> shares.merge(address, take * share, Double::sum));
      rest -= take;
      if (r.balance() != null) {
        balances.add(r.balance());
      }
      maxPerSource = maxPerSource > 0 ? maxPerSource : r.maxPerSource();
    }
    List<String> why = new ArrayList<>();
    if (rest > NOTHING_LEFT) {
      why.add(percent(rest) + " of the connections match none of these rules and stay on this host; portfw"
          + " forwards them all, in the same proportions");
    }
    String balance = balances.isEmpty() ? "round-robin" : balances.iterator().next();
    if (balances.size() > 1) {
      why.add("the rules mix " + String.join(" and ", balances) + "; portfw uses " + balance);
    }
    List<String> addresses = new ArrayList<>(shares.keySet());
    ShareWeights.Result weights = ShareWeights.of(addresses.stream().mapToDouble(shares::get).toArray());
    if (!weights.exact() && addresses.size() > 1) {
      why.add("the shares " + addresses.stream().map(a -> a + " " + percent(shares.get(a))).collect(
          Collectors.joining(", ")) + " do not fit weights of 1-" + ShareWeights.MAX_WEIGHT + ": the nearest were taken");
    }
    List<String> names = new ArrayList<>();
    for (Limit l : limits) {
      if (l.protocol().equals(g.key.protocol()) && l.ports().equals(g.key.ports())
          && (l.host() == null || l.host().equals(g.key.host()))) {
        used.computeIfAbsent(l, x -> new ArrayList<>()).add(g.key.text());
        maxPerSource = maxPerSource > 0 ? Math.min(maxPerSource, l.max()) : l.max();
      }
    }

    String name = g.key.protocol() + "-" + g.key.ports().get(0).first();
    ObjectNode pool = draft.addPool(name);
    if (addresses.size() > 1 && !balance.equals("round-robin")) {
      pool.put("balance", balance);
    }
    StringBuilder backends = new StringBuilder();
    for (int i = 0; i < addresses.size(); i++) {
      ObjectNode backend = draft.addBackend(pool, addresses.get(i));
      if (weights.weights()[i] != 1) {
        backend.put("weight", weights.weights()[i]);
      }
      backends.append(i == 0 ? "" : ", ").append(addresses.get(i))
          .append(addresses.size() > 1 ? " weight " + weights.weights()[i] : "");
    }
    for (PortRange ports : g.key.ports()) {
      ObjectNode listener = draft.addListener(name, g.key.protocol(), listen(g.key.host(), ports.text()),
          pool.get("name").asText());
      acl(listener, g.access);
      if (maxPerSource > 0) {
        listener.putObject("limits").put("maxConnectionsPerSource", maxPerSource);
      }
      names.add(listener.get("name").asText());
    }
    String became = "listener " + String.join(", ", names) + " (" + g.key.text() + ") -> pool "
        + pool.get("name").asText() + ": " + backends
        + (addresses.size() > 1 ? ", " + balance.replace('-', ' ') : "")
        + (g.access.allow().isEmpty() ? "" : ", acl allow " + g.access.allow())
        + (g.access.deny().isEmpty() ? "" : ", acl deny " + g.access.deny())
        + (maxPerSource > 0 ? ", at most " + maxPerSource + " connections per client address" : "");
    for (Rule r : g.rules) {
      List<String> all = new ArrayList<>(r.approximations());
      all.addAll(why);
      if (all.isEmpty()) {
        report.carried(r.line(), r.source(), became);
      } else {
        report.approximated(r.line(), r.source(), became, String.join("; ", all));
      }
    }
  }

  private static void acl(ObjectNode listener, Access access) {
    if (access.equals(Access.ALL)) {
      return;
    }
    ObjectNode acl = listener.putObject("acl");
    if (!access.allow().isEmpty()) {
      ArrayNode allow = acl.putArray("allow");
      access.allow().forEach(allow::add);
    }
    if (!access.deny().isEmpty()) {
      ArrayNode deny = acl.putArray("deny");
      access.deny().forEach(deny::add);
    }
  }

  private static boolean overlaps(Key a, Key b) {
    if (!a.protocol().equals(b.protocol()) || !(a.host().equals(b.host()) || a.wildcard() || b.wildcard())) {
      return false;
    }
    return a.ports().stream().anyMatch(p -> b.ports().stream().anyMatch(p::overlaps));
  }

  /** {@code host:ports}, an IPv6 host in brackets. */
  static String listen(String host, String ports) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + ports;
  }

  /** A backend address: {@code host:port}, or the host alone (in brackets for IPv6) to keep the client's port. */
  static String backend(String host, int port) {
    return port > 0 ? ConfigDraft.address(host, port) : host.contains(":") ? "[" + host + "]" : host;
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
