package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ipmasqadm portfw} rules: the commands of an rc script, replayed in order ({@code -a}
 * adds, {@code -d} deletes, {@code -f} flushes), or the table {@code ipmasqadm portfw -ln}
 * prints. Every {@code -R} of one {@code -P}/{@code -L} is a backend of one pool. The kernel
 * gave each backend {@code pref} connections in a row (default 10) in turn: that becomes round
 * robin with weights in proportion to {@code pref}.
 */
final class IpmasqadmImporter implements RuleImporter {

  private static final int DEFAULT_PREF = 10;
  private static final int MAX_WEIGHT = 256;
  private static final Pattern COMMAND = Pattern.compile("(^|[\\s;|&/])ipmasqadm\\s+portfw(\\s|$)");
  private static final Pattern LIST_HEADER = Pattern.compile("^prot\\s+localaddr\\s+rediraddr\\s+lport\\s+rport.*",
      Pattern.CASE_INSENSITIVE);

  /** One forwarded port: protocol, local address and port. */
  private record Front(String protocol, String address, int port) {}

  /** One backend of a forwarded port, with the line that last set it. */
  private record Redirect(String host, int port, int pref, int line, String source) {}

  private final Map<Front, Map<String, Redirect>> rules = new LinkedHashMap<>();

  @Override
  public void read(List<String> lines, ConfigDraft draft, ImportReport report) throws ImportException {
    ShellLines shell = new ShellLines();
    boolean listing = false;
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String raw = lines.get(i);
      if (LIST_HEADER.matcher(raw.strip()).matches()) {
        listing = true;
        continue;
      }
      if (listing && !raw.isBlank()) {
        listed(raw, number);
        continue;
      }
      ShellLines.Expanded line = shell.next(raw);
      if (line == null || !COMMAND.matcher(line.text()).find()) {
        continue;
      }
      if (!line.unset().isEmpty()) {
        report.dropped(number, raw, "it uses $" + String.join(", $", line.unset()) + ", not set in the file");
        continue;
      }
      command(line.text(), number, raw, report);
    }
    if (rules.isEmpty()) {
      throw new ImportException(0, "no ipmasqadm portfw rule (nor a table from ipmasqadm portfw -ln) in the input");
    }
    rules.forEach((front, redirects) -> write(front, redirects, draft, report));
  }

  /** A row of {@code ipmasqadm portfw -ln}: prot localaddr rediraddr lport rport pcnt pref. */
  private void listed(String raw, int number) throws ImportException {
    String[] f = raw.strip().split("\\s+");
    if (f.length < 5) {
      throw new ImportException(number, "a row of ipmasqadm portfw -ln has prot, localaddr, rediraddr, lport, rport,"
          + " pcnt and pref");
    }
    String protocol = protocol(f[0], number);
    int pref = f.length >= 7 ? number(f[6], "pref", number, 1, Integer.MAX_VALUE) : DEFAULT_PREF;
    add(new Front(protocol, f[1], port(f[3], number)), new Redirect(f[2], port(f[4], number), pref, number, raw));
  }

  private void command(String text, int number, String raw, ImportReport report) throws ImportException {
    Matcher at = COMMAND.matcher(text);
    at.find();
    String[] args = text.substring(at.end()).strip().split("\\s+");
    String action = null;
    String protocol = "tcp";
    String laddr = null;
    int lport = 0;
    String raddr = null;
    int rport = 0;
    int pref = DEFAULT_PREF;
    for (int k = 0; k < args.length; k++) {
      String a = args[k];
      switch (a) {
        case "-a", "--add", "-d", "--delete", "-f", "--flush", "-l", "--list" -> action = a.replace("--", "-").substring(0, 2);
        case "-n", "--numeric" -> { }
        case "-P", "--protocol" -> protocol = protocol(arg(args, ++k, a, number), number);
        case "-L", "--local" -> {
          laddr = arg(args, ++k, a, number);
          lport = port(arg(args, ++k, a, number), number);
        }
        case "-R", "--remote" -> {
          raddr = arg(args, ++k, a, number);
          rport = port(arg(args, ++k, a, number), number);
        }
        case "-p", "--pref" -> pref = number(arg(args, ++k, a, number), "pref", number, 1, Integer.MAX_VALUE);
        default -> {
          if (a.startsWith(";") || a.equals("||") || a.equals("&&") || a.equals(">") || a.startsWith("2>")) {
            k = args.length; // the rest of the shell line is not ipmasqadm's
          } else if (!a.isEmpty()) {
            throw new ImportException(number, "ipmasqadm portfw has no option " + a);
          }
        }
      }
    }
    if (action == null) {
      throw new ImportException(number, "ipmasqadm portfw needs -a, -d, -f or -l");
    }
    switch (action) {
      case "-f" -> {
        rules.values().forEach(redirects -> redirects.values().forEach(r ->
            report.carried(r.line(), r.source(), "flushed on line " + number + ": not imported")));
        rules.clear();
        report.carried(number, raw, "flush: the rules before this line are not imported");
      }
      case "-l" -> { }
      case "-a" -> {
        need(laddr, raddr, number);
        add(new Front(protocol, laddr, lport), new Redirect(raddr, rport, pref, number, raw));
      }
      default -> {
        need(laddr, raddr, number);
        Map<String, Redirect> redirects = rules.get(new Front(protocol, laddr, lport));
        Redirect removed = redirects == null ? null : redirects.remove(ConfigDraft.address(raddr, rport));
        if (removed == null) {
          report.dropped(number, raw, "it deletes a rule that was not added before it");
        } else {
          report.carried(removed.line(), removed.source(), "deleted again on line " + number + ": not imported");
          report.carried(number, raw, "delete: " + ConfigDraft.address(raddr, rport) + " is not imported");
          if (redirects.isEmpty()) {
            rules.remove(new Front(protocol, laddr, lport));
          }
        }
      }
    }
  }

  private void add(Front front, Redirect redirect) {
    rules.computeIfAbsent(front, f -> new LinkedHashMap<>()).put(ConfigDraft.address(redirect.host(), redirect.port()),
        redirect);
  }

  private static void write(Front front, Map<String, Redirect> redirects, ConfigDraft draft, ImportReport report) {
    ObjectNode pool = draft.addPool(front.protocol() + "-" + front.port());
    List<Redirect> all = new ArrayList<>(redirects.values());
    int[] weights = weights(all.stream().mapToInt(Redirect::pref).toArray());
    boolean exact = Arrays.stream(weights).allMatch(w -> w > 0) && proportional(all, weights);
    for (int i = 0; i < all.size(); i++) {
      ObjectNode backend = draft.addBackend(pool, ConfigDraft.address(all.get(i).host(), all.get(i).port()));
      if (weights[i] != 1) {
        backend.put("weight", weights[i]);
      }
    }
    String listen = ConfigDraft.address(front.address(), front.port());
    ObjectNode listener = draft.addListener(front.protocol() + "-" + front.port(), front.protocol(), listen,
        pool.get("name").asText());
    for (int i = 0; i < all.size(); i++) {
      Redirect r = all.get(i);
      String became = "listener " + listener.get("name").asText() + " (" + front.protocol() + " " + listen + ") -> pool "
          + pool.get("name").asText() + ", backend " + ConfigDraft.address(r.host(), r.port())
          + (all.size() > 1 ? ", round robin, weight " + weights[i] + " (pref " + r.pref() + ")" : "");
      if (exact) {
        report.carried(r.line(), r.source(), became);
      } else {
        report.approximated(r.line(), r.source(), became, "the prefs' ratios do not fit weights of 1-" + MAX_WEIGHT
            + ": the nearest were taken");
      }
    }
  }

  /** Weights in proportion to the prefs: divided by their common divisor, scaled down to fit when still too large. */
  static int[] weights(int[] prefs) {
    int gcd = 0;
    for (int p : prefs) {
      gcd = BigInteger.valueOf(gcd).gcd(BigInteger.valueOf(p)).intValue();
    }
    int max = 0;
    int[] w = new int[prefs.length];
    for (int i = 0; i < prefs.length; i++) {
      w[i] = prefs[i] / gcd;
      max = Math.max(max, w[i]);
    }
    if (max > MAX_WEIGHT) {
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.max(1, (int) Math.round((double) w[i] * MAX_WEIGHT / max));
      }
    }
    return w;
  }

  private static boolean proportional(List<Redirect> all, int[] weights) {
    for (int i = 1; i < all.size(); i++) {
      if ((long) all.get(i).pref() * weights[0] != (long) all.get(0).pref() * weights[i]) {
        return false;
      }
    }
    return true;
  }

  private static void need(String laddr, String raddr, int number) throws ImportException {
    if (laddr == null) {
      throw new ImportException(number, "the rule has no -L local address and port");
    }
    if (raddr == null) {
      throw new ImportException(number, "the rule has no -R remote address and port");
    }
  }

  private static String arg(String[] args, int k, String option, int number) throws ImportException {
    if (k >= args.length || args[k].startsWith("-")) {
      throw new ImportException(number, option + " is missing its value");
    }
    return args[k];
  }

  private static String protocol(String word, int number) throws ImportException {
    String p = word.toLowerCase(Locale.ROOT);
    if (!p.equals("tcp") && !p.equals("udp")) {
      throw new ImportException(number, "the protocol must be tcp or udp, not " + word);
    }
    return p;
  }

  private static int port(String word, int number) throws ImportException {
    return number(word, "port", number, 1, 65535);
  }

  private static int number(String word, String what, int number, int min, int max) throws ImportException {
    try {
      int n = Integer.parseInt(word);
      if (n < min || n > max) {
        throw new ImportException(number, what + " " + word + " is out of range " + min + "-" + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ImportException(number, what + " must be a number, not " + word);
    }
  }
}
