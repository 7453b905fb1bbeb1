package io.portfw.core.importing;

import io.portfw.core.importing.Forwards.Access;
import io.portfw.core.importing.Forwards.Key;
import io.portfw.core.importing.Forwards.PortRange;
import io.portfw.core.importing.IptablesRule.Option;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code iptables-save} (and {@code ip6tables-save}) output: the {@code nat} table's DNAT and
 * REDIRECT rules in PREROUTING and in the chains it jumps to, a jump's matches carried down to
 * the rules of its chain. Statistic cascades become weights, {@code -s} the listener's acl,
 * connlimit its per-client limit. Every other rule is reported as dropped with the reason, one
 * entry per line.
 */
final class IptablesImporter implements RuleImporter {

  private static final Set<String> HARMLESS = Set.of("-m", "--match", "--comment", "--ctstate", "--state", "-j",
      "--jump", "-g", "--goto", "--to-destination", "--to-ports", "--mode", "--probability", "--every", "--packet",
      "--connlimit-upto", "--connlimit-above", "--connlimit-mask", "--connlimit-saddr", "-p", "--protocol", "-s",
      "--source", "-d", "--destination", "--dport", "--destination-port", "--dports", "--destination-ports",
      "--dst-type", "-c", "--set-counters");

  /** table -> chain -> its rules in order. */
  private final Map<String, Map<String, List<IptablesRule>>> tables = new LinkedHashMap<>();
  private final Set<Integer> reported = new HashSet<>();
  private final Forwards forwards = new Forwards();
  private boolean v6;

  @Override
  public void read(List<String> lines, ConfigDraft draft, ImportReport report) throws ImportException {
    String table = null;
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      // iptables-save -c puts each rule's counters first: [packets:bytes] -A ...
      String source = lines.get(i).replaceFirst("^\\s*\\[\\d+:\\d+\\]\\s+", "");
      String text = source.strip();
      if (text.startsWith("#")) {
        v6 |= text.contains("ip6tables-save");
      } else if (text.startsWith("*")) {
        table = text.substring(1).strip();
        tables.putIfAbsent(table, new LinkedHashMap<>());
      } else if (text.startsWith(":")) {
        chains(table, number).putIfAbsent(text.substring(1).split("\\s+")[0], new ArrayList<>());
      } else if (text.equals("COMMIT")) {
        table = null;
      } else if (text.startsWith("-A ")) {
        IptablesRule rule = IptablesRule.parse(number, text, table);
        chains(table, number).computeIfAbsent(rule.chain(), c -> new ArrayList<>()).add(rule);
      } else if (!text.isEmpty()) {
        throw new ImportException(number, "not a line of iptables-save output (*table, :CHAIN policy, -A rule,"
            + " COMMIT or # comment)");
      }
    }
    if (tables.isEmpty()) {
      throw new ImportException(0, "no table (such as *nat) in the input: it is not iptables-save output");
    }
    Map<String, List<IptablesRule>> nat = tables.getOrDefault("nat", Map.of());
    if (nat.containsKey("PREROUTING")) {
      walk(nat, "PREROUTING", List.of(), new ArrayDeque<>(List.of("PREROUTING")), report);
    }
    for (Map<String, List<IptablesRule>> chains : tables.values()) {
      for (List<IptablesRule> rules : chains.values()) {
        for (IptablesRule rule : rules) {
          if (!reported.contains(rule.line())) {
            unreached(rule, nat, report);
          }
        }
      }
    }
    forwards.write(draft, report);
    if (forwards.isEmpty()) {
      report.note("no DNAT or REDIRECT rule in the nat table's PREROUTING (or a chain it jumps to): nothing to forward");
    }
  }

  private Map<String, List<IptablesRule>> chains(String table, int number) throws ImportException {
    if (table == null) {
      throw new ImportException(number, "a chain or rule outside a table: a *table line must come first");
    }
    return tables.get(table);
  }

  /** The rules of {@code chain} in order, each with the matches of the jumps that led to it before its own. */
  private void walk(Map<String, List<IptablesRule>> nat, String chain, List<Option> inherited, Deque<String> path,
      ImportReport report) {
    for (IptablesRule own : nat.get(chain)) {
      List<Option> options = new ArrayList<>(inherited);
      own.options().stream().filter(o -> !isJump(o)).forEach(options::add);
      own.option("-j", "--jump", "-g", "--goto").ifPresent(options::add);
      IptablesRule rule = new IptablesRule(own.line(), own.source(), own.table(), own.chain(), options);
      String target = rule.target();
      boolean first = reported.add(own.line());
      if (nat.containsKey(target) && !target.equals("PREROUTING")) {
        if (path.contains(target)) {
          report.dropped(own.line(), own.source(), "it jumps back to chain " + target + " on the way there: a loop");
          continue;
        }
        if (first) {
          report.carried(own.line(), own.source(), "its matches go on to the rules of chain " + target);
        }
        path.push(target);
        walk(nat, target, options.subList(0, options.size() - 1), path, report);
        path.pop();
      } else if (target.equals("DNAT") || target.equals("REDIRECT")) {
        forward(rule, report);
      } else if (first && !limit(rule)) {
        report.dropped(own.line(), own.source(), target.isEmpty() ? "it has no target: it only counts packets"
            : "its target " + target + " does not forward; portfw forwards, it does not filter, mark or exempt");
      }
    }
  }

  private static boolean isJump(Option o) {
    return o.name().equals("-j") || o.name().equals("--jump") || o.name().equals("-g") || o.name().equals("--goto");
  }

  /** A rule the walk from PREROUTING did not forward. */
  private void unreached(IptablesRule rule, Map<String, List<IptablesRule>> nat, ImportReport report) {
    if (limit(rule)) {
      return;
    }
    String target = rule.target();
    String why;
    if (!rule.table().equals("nat")) {
      why = "the " + rule.table() + " table filters or marks; portfw forwards, it does not filter (a listener's acl and"
          + " limits are its filters)";
    } else if (rule.chain().equals("POSTROUTING")) {
      why = "source NAT (" + target + "): portfw connects to its backends from its own address anyway";
    } else if (rule.chain().equals("OUTPUT")) {
      why = "OUTPUT rewrites connections this host opens itself; portfw serves connections that arrive";
    } else if (rule.chain().equals("INPUT")) {
      why = "the nat table's INPUT chain rewrites sources, which portfw does not need";
    } else {
      why = "chain " + rule.chain() + " is not reached from PREROUTING";
    }
    report.dropped(rule.line(), rule.source(), why);
  }

  /** {@code -m connlimit --connlimit-above N -j REJECT|DROP} for a protocol and ports: a per-client limit. */
  private boolean limit(IptablesRule rule) {
    Optional<Option> above = rule.option("--connlimit-above");
    if (above.isEmpty() || above.get().negated() || !Set.of("DROP", "REJECT", "TARPIT").contains(rule.target())
        || !perClientMask(rule)) {
      return false;
    }
    Optional<String> protocol = rule.option("-p", "--protocol").filter(o -> !o.negated()).map(o -> protocol(o.value()));
    List<PortRange> ports = ports(rule);
    Integer max = number(above.get().value());
    if (protocol.isEmpty() || protocol.get().isEmpty() || ports == null || ports.isEmpty() || max == null) {
      return false;
    }
    String host = rule.option("-d", "--destination").filter(o -> !o.negated()).map(o -> host(o.value())).orElse(null);
    reported.add(rule.line());
    forwards.limit(new Forwards.Limit(rule.line(), rule.source(), protocol.get(), host, ports, max));
    return true;
  }

  private void forward(IptablesRule rule, ImportReport report) {
    List<String> approximations = new ArrayList<>();
    Optional<Option> p = rule.option("-p", "--protocol");
    String protocol = p.filter(o -> !o.negated()).map(o -> protocol(o.value())).orElse("");
    if (protocol.isEmpty()) {
      report.dropped(rule.line(), rule.source(), p.isEmpty() ? "it has no -p tcp or -p udp: portfw forwards a protocol's"
          + " ports, not a whole address" : "portfw forwards tcp and udp, not " + (p.get().negated() ? "! " : "")
          + p.get().value());
      return;
    }
    List<PortRange> ports = ports(rule);
    if (ports == null || ports.isEmpty()) {
      report.dropped(rule.line(), rule.source(), ports == null ? "its port match is negated or not a port list:"
          + " portfw listens on ports it is given" : "it has no --dport: portfw forwards ports, not a whole address");
      return;
    }
    String wildcard = v6 ? "::" : "0.0.0.0";
    String host = wildcard;
    Optional<Option> d = rule.option("-d", "--destination");
    if (d.isPresent()) {
      String h = host(d.get().value());
      if (d.get().negated() || h == null) {
        approximations.add("-d " + (d.get().negated() ? "! " : "") + d.get().value() + " is not one address: the"
            + " listener takes every address of the host");
      } else {
        host = h;
      }
    }
    rule.option("-i", "--in-interface").ifPresent(o -> approximations.add("portfw listens on addresses, not"
        + " interfaces: " + (o.negated() ? "! " : "") + "-i " + o.value() + " is not carried"));
    rule.option("--dst-type").filter(o -> o.negated() || !o.value().equals("LOCAL")).ifPresent(o ->
        approximations.add("--dst-type " + o.value() + " is not carried"));
    for (Option o : rule.options()) {
      if (!HARMLESS.contains(o.name()) && !o.name().equals("-i") && !o.name().equals("--in-interface")
          && !o.name().equals("--random") && !o.name().equals("--persistent")) {
        approximations.add("the match " + (o.negated() ? "! " : "") + o.name() + " " + String.join(" ", o.values())
            + " is not carried: portfw forwards every such connection");
      }
    }
    Access access = Access.ALL;
    Optional<Option> s = rule.option("-s", "--source");
    if (s.isPresent()) {
      List<String> blocks = List.of(s.get().value().split(","));
      access = s.get().negated() ? new Access(List.of(), blocks) : new Access(blocks, List.of());
    }
    double probability = 1;
    String balance = null;
    Optional<Option> mode = rule.option("--mode");
    if (mode.isPresent() && mode.get().value().equals("random")) {
      Double value = decimal(rule.option("--probability").map(Option::value).orElse("1"));
      if (value == null || value < 0 || value > 1) {
        report.dropped(rule.line(), rule.source(), "its --probability is not a number from 0 to 1");
        return;
      }
      probability = rule.option("--probability").get().negated() ? 1 - value : value;
      balance = "random";
    } else if (mode.isPresent() && mode.get().value().equals("nth")) {
      Integer every = number(rule.option("--every").map(Option::value).orElse(""));
      if (every == null || every < 1) {
        report.dropped(rule.line(), rule.source(), "its --every is not a count of 1 or more");
        return;
      }
      probability = 1.0 / every; // every N-th of the connections that reach it
      balance = "round-robin";
    }
    int maxPerSource = 0;
    Optional<Option> upto = rule.option("--connlimit-upto");
    Optional<Option> above = rule.option("--connlimit-above");
    if (upto.isPresent() || above.isPresent()) {
      Option limit = upto.orElse(above.orElse(null));
      Integer n = number(limit.value());
      boolean underIt = upto.isPresent() ? !limit.negated() : limit.negated();
      if (n == null || !underIt) {
        report.dropped(rule.line(), rule.source(), "it forwards only clients over a connection count, which portfw"
            + " cannot express");
        return;
      }
      if (!perClientMask(rule)) {
        approximations.add("the connection limit counts per client address, not per --connlimit-mask block or"
            + " destination");
      }
      maxPerSource = n;
    }
    Map<String, Double> backends = IptablesTarget.backends(rule, ports, host, v6, approximations);
    if (backends == null) {
      report.dropped(rule.line(), rule.source(), rule.target().equals("REDIRECT")
          ? "REDIRECT without --to-ports keeps the port: portfw would forward to itself"
          : "its --to-destination is not ip[-ip][:port[-port]] (at most " + IptablesTarget.MAX_RANGE_ADDRESSES + " addresses)");
      return;
    }
    if (backends.size() > 1) {
      balance = "source-hash"; // the kernel hashes the client's address to pick an address of a range
    }
    forwards.add(new Forwards.Rule(rule.line(), rule.source(), new Key(protocol, host, ports), access, probability,
        balance, backends, maxPerSource, approximations), report);
  }

  /** The destination ports: --dport or --dports; empty when none; null when negated or unreadable. */
  private static List<PortRange> ports(IptablesRule rule) {
    Optional<Option> o = rule.option("--dport", "--destination-port", "--dports", "--destination-ports");
    if (o.isEmpty()) {
      return List.of();
    }
    if (o.get().negated()) {
      return null;
    }
    List<PortRange> out = new ArrayList<>();
    for (String part : o.get().value().split(",")) {
      String[] ab = part.split(":", 2);
      Integer first = number(ab[0]);
      Integer last = ab.length > 1 ? number(ab[1]) : first;
      if (first == null || last == null || first < 1 || last > 65535 || last < first) {
        return null;
      }
      out.add(new PortRange(first, last));
    }
    return out;
  }

  /** The address of {@code -d}: a host or a one-address block; null for a wider block. */
  private static String host(String value) {
    String[] p = value.split("/", 2);
    if (p.length == 2 && !p[1].equals(p[0].contains(":") ? "128" : "32")) {
      return null;
    }
    return p[0];
  }

  private static boolean perClientMask(IptablesRule rule) {
    Optional<String> mask = rule.option("--connlimit-mask").map(Option::value);
    return rule.option("--connlimit-daddr").isEmpty()
        && (mask.isEmpty() || mask.get().equals("32") || mask.get().equals("128"));
  }

  private static String protocol(String value) {
    String p = value.toLowerCase(Locale.ROOT);
    return switch (p) {
      case "tcp", "6" -> "tcp";
      case "udp", "17" -> "udp";
      default -> "";
    };
  }

  static Integer number(String text) {
    return text.matches("\\d{1,9}") ? Integer.valueOf(text) : null;
  }

  private static Double decimal(String text) {
    return text.matches("\\d+(\\.\\d+)?") ? Double.valueOf(text) : null;
  }
}
