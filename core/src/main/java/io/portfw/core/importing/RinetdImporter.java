package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * An {@code /etc/rinetd.conf}: {@code bindaddress bindport connectaddress connectport [options]}
 * rules ({@code /udp} ports, {@code [timeout=N]} for UDP sessions, IPv6, service names), the
 * {@code allow}/{@code deny} patterns before the first rule (for every rule) and after one (for
 * it), and {@code logfile}. As in rinetd, a deny anywhere wins, and a client must match an allow
 * of each list that has any: the allow lists intersect.
 */
final class RinetdImporter implements RuleImporter {

  /** One forwarding rule with the patterns that follow it. */
  private static final class Rule {
    final int line;
    final String source;
    final String bindAddress;
    final int bindPort;
    final String connectAddress;
    final int connectPort;
    final String protocol;
    final String options;
    final List<String> allow = new ArrayList<>();
    final List<String> deny = new ArrayList<>();

    Rule(int line, String source, String bindAddress, int bindPort, String connectAddress, int connectPort,
        String protocol, String options) {
      this.line = line;
      this.source = source;
      this.bindAddress = bindAddress;
      this.bindPort = bindPort;
      this.connectAddress = connectAddress;
      this.connectPort = connectPort;
      this.protocol = protocol;
      this.options = options;
    }
  }

  private final ServiceNames services;

  RinetdImporter() {
    this(new ServiceNames(Path.of("/etc/services")));
  }

  RinetdImporter(ServiceNames services) {
    this.services = services;
  }

  @Override
  public void read(List<String> lines, ConfigDraft draft, ImportReport report) throws ImportException {
    List<String> globalAllow = new ArrayList<>();
    List<String> globalDeny = new ArrayList<>();
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String raw = lines.get(i);
      String line = ShellLines.stripComment(raw).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+", 2);
      String keyword = f[0].toLowerCase(Locale.ROOT);
      switch (keyword) {
        case "allow", "deny" -> {
          if (f.length < 2) {
            throw new ImportException(number, keyword + " needs a pattern");
          }
          Rule last = rules.isEmpty() ? null : rules.get(rules.size() - 1);
          List<String> target = last == null ? ("allow".equals(keyword) ? globalAllow : globalDeny)
              : ("allow".equals(keyword) ? last.allow : last.deny);
          for (String pattern : f[1].strip().split("\\s+")) {
            target.add(number + " " + pattern);
          }
        }
        case "logfile" -> {
          if (f.length < 2) {
            throw new ImportException(number, "logfile needs a file name");
          }
          draft.root().putObject("accessLog").put("output", f[1].strip());
          report.carried(number, raw, "accessLog.output " + f[1].strip() + " (portfw's own line format)");
        }
        case "logcommon" -> report.approximated(number, raw, "accessLog format plain",
            "portfw writes its own plain or json lines, not the web server common log format");
        case "pidlogfile" -> report.dropped(number, raw, "portfw writes its pid with run --pid-file");
        case "include" -> report.dropped(number, raw, "included files are not followed: import each one on its own");
        default -> rules.add(rule(line, raw, number));
      }
    }
    if (rules.isEmpty()) {
      throw new ImportException(0, "no forwarding rule (bindaddress bindport connectaddress connectport) in the input");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (Rule rule : rules) {
      String where = rule.protocol + " " + ConfigDraft.address(rule.bindAddress, rule.bindPort);
      if (!seen.add(where)) {
        report.dropped(rule.line, rule.source, "an earlier rule already listens on " + where
            + " (rinetd takes the first)");
        continue;
      }
      write(rule, globalAllow, globalDeny, draft, report);
    }
  }

  private Rule rule(String line, String raw, int number) throws ImportException {
    String[] words = line.split("\\s+");
    if (words.length < 4) {
      throw new ImportException(number, "a rule is: bindaddress bindport connectaddress connectport [options];"
          + " this line has " + words.length + " word(s)");
    }
    String[] f = java.util.Arrays.copyOf(words, 4);
    String options = String.join(" ", java.util.Arrays.copyOfRange(words, 4, words.length));
    if (!options.isEmpty()) {
      if (!options.startsWith("[") || !options.endsWith("]")) {
        throw new ImportException(number, "after connectport only options in [...] may follow, not " + options);
      }
      options = options.substring(1, options.length() - 1).strip();
    }
    String bindProtocol = protocolOf(f[1]);
    String connectProtocol = protocolOf(f[3]);
    if (!bindProtocol.equals(connectProtocol)) {
      throw new ImportException(number, "rinetd forwards " + bindProtocol + " to " + bindProtocol + " only, not to "
          + connectProtocol);
    }
    return new Rule(number, raw, host(f[0]), port(f[1], bindProtocol, number), host(f[2]),
        port(f[3], connectProtocol, number), bindProtocol, options);
  }

  private void write(Rule rule, List<String> globalAllow, List<String> globalDeny, ConfigDraft draft,
      ImportReport report) {
    List<String> approximations = new ArrayList<>();
    Optional<List<String>> allowGlobal = blocks(globalAllow);
    Optional<List<String>> allowRule = blocks(rule.allow);
    Optional<List<String>> denyGlobal = blocks(globalDeny);
    Optional<List<String>> denyRule = blocks(rule.deny);
    if (allowGlobal.isEmpty() || allowRule.isEmpty() || denyGlobal.isEmpty() || denyRule.isEmpty()) {
      report.dropped(rule.line, rule.source, "an allow or deny pattern of it (" + unconvertible(globalAllow, rule.allow,
          globalDeny, rule.deny) + ") is not an IPv4 pattern of at most " + AddressPatterns.MAX_BLOCKS
          + " address blocks; the rule is left out rather than opened wider");
      return;
    }
    List<String> allow = allowGlobal.get().isEmpty() ? allowRule.get()
        : allowRule.get().isEmpty() ? allowGlobal.get() : AddressPatterns.intersection(allowGlobal.get(), allowRule.get());
    if (allow.isEmpty() && !(globalAllow.isEmpty() && rule.allow.isEmpty())) {
      report.dropped(rule.line, rule.source, "its allow patterns and the global ones have no address in common:"
          + " no client could connect");
      return;
    }
    List<String> deny = new ArrayList<>(denyGlobal.get());
    denyRule.get().stream().filter(b -> !deny.contains(b)).forEach(deny::add);

    String name = rule.protocol + "-" + rule.bindPort;
    ObjectNode pool = draft.addPool(name);
    draft.addBackend(pool, ConfigDraft.address(rule.connectAddress, rule.connectPort));
    String listen = ConfigDraft.address(rule.bindAddress, rule.bindPort);
    ObjectNode listener = draft.addListener(name, rule.protocol, listen, pool.get("name").asText());
    if (!allow.isEmpty() || !deny.isEmpty()) {
      ObjectNode acl = listener.putObject("acl");
      if (!allow.isEmpty()) {
        ArrayNode a = acl.putArray("allow");
        allow.forEach(a::add);
      }
      if (!deny.isEmpty()) {
        ArrayNode d = acl.putArray("deny");
        deny.forEach(d::add);
      }
    }
    options(rule, listener, approximations);
    String became = "listener " + listener.get("name").asText() + " (" + rule.protocol + " " + listen + ") -> "
        + ConfigDraft.address(rule.connectAddress, rule.connectPort)
        + (listener.has("acl") ? ", acl " + listener.get("acl") : "");
    if (approximations.isEmpty()) {
      report.carried(rule.line, rule.source, became);
    } else {
      report.approximated(rule.line, rule.source, became, String.join("; ", approximations));
    }
  }

  private static void options(Rule rule, ObjectNode listener, List<String> approximations) {
    if (rule.options.isEmpty()) {
      return;
    }
    for (String option : rule.options.split("\\s*,\\s*")) {
      String[] kv = option.split("=", 2);
      String key = kv[0].strip().toLowerCase(Locale.ROOT);
      String value = kv.length > 1 ? kv[1].strip() : "";
      if (key.equals("timeout") && value.matches("\\d+")) {
        if (rule.protocol.equals("udp")) {
          listener.put("sessionIdle", value + "s");
        } else {
          approximations.add("timeout=" + value + " applies to UDP in rinetd; this rule is TCP, so it is not carried");
        }
      } else if (key.equals("src")) {
        approximations.add("src=" + value + " (the source address of outgoing connections) is not carried: the"
            + " backends are reached from the address the routing table picks");
      } else {
        approximations.add("the option " + option + " is unknown to the import and left out");
      }
    }
  }

  /** The blocks of every pattern in a list ("LINE pattern" entries), or empty when one cannot be converted. */
  private static Optional<List<String>> blocks(List<String> patterns) {
    List<String> out = new ArrayList<>();
    for (String entry : patterns) {
      String pattern = entry.substring(entry.indexOf(' ') + 1);
      Optional<List<String>> b = AddressPatterns.blocks(pattern);
      if (b.isEmpty()) {
        return Optional.empty();
      }
      b.get().stream().filter(x -> !out.contains(x)).forEach(out::add);
    }
    return Optional.of(out);
  }

  @SafeVarargs
  private static String unconvertible(List<String>... lists) {
    List<String> bad = new ArrayList<>();
    for (List<String> list : lists) {
      for (String entry : list) {
        String pattern = entry.substring(entry.indexOf(' ') + 1);
        if (AddressPatterns.blocks(pattern).isEmpty()) {
          bad.add(pattern + " on line " + entry.substring(0, entry.indexOf(' ')));
        }
      }
    }
    return String.join(", ", bad);
  }

  private static String protocolOf(String port) {
    return port.toLowerCase(Locale.ROOT).endsWith("/udp") ? "udp" : "tcp";
  }

  private static String host(String address) {
    return address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
  }

  private int port(String word, String protocol, int number) throws ImportException {
    String p = word.replaceFirst("(?i)/(tcp|udp)$", "");
    if (p.matches("\\d+")) {
      int n = Integer.parseInt(p);
      if (n < 1 || n > 65535) {
        throw new ImportException(number, "port " + p + " is out of range 1-65535");
      }
      return n;
    }
    OptionalInt named = services.port(p, protocol);
    if (named.isEmpty()) {
      throw new ImportException(number, "\"" + p + "\" is neither a port number nor a service name in /etc/services");
    }
    return named.getAsInt();
  }
}
