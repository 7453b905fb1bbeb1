package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portfw.core.importing.HaproxySections.Line;
import java.util.ArrayList;
import java.util.List;

/**
 * HAProxy's active check of a pool as portfw's {@code health}: a plain connect ({@code check}),
 * {@code option httpchk} with its {@code http-check} rules as {@code http}, or {@code tcp-check}
 * {@code send}/{@code expect} rules as {@code send-expect} (portfw sends once and expects once).
 */
final class HaproxyHealth {

  private static final List<String> MATCHES = List.of("string", "rstring", "binary", "rbinary");

  private HaproxyHealth() {}

  static ObjectNode build(ObjectNode pool, Line httpchk, List<Line> tcpChecks, List<Line> httpChecks, String name,
      LineOutcomes out) {
    ObjectNode health = pool.putObject("health");
    String became = "pool " + name + ": health ";
    boolean sendsOrExpects = tcpChecks.stream().anyMatch(l -> l.word(1).startsWith("send")
        || l.word(1).equals("expect"));
    if (httpchk != null && !sendsOrExpects) {
      health.put("type", "http");
      http(health, httpchk, httpChecks, became, out);
      tcpChecks.forEach(l -> out.approximated(l, became + "http", "option httpchk makes the check HTTP"));
      return health;
    }
    if (!sendsOrExpects) {
      health.put("type", "tcp");
      tcpChecks.forEach(l -> connect(health, l, became, out));
      httpChecks.forEach(l -> out.dropped(l, "without option httpchk HAProxy does not run http-check rules"));
      return health;
    }
    health.put("type", "send-expect");
    StringBuilder send = new StringBuilder();
    boolean expected = false;
    for (Line l : tcpChecks) {
      String step = l.word(1);
      if (step.equals("connect")) {
        connect(health, l, became, out);
      } else if (step.startsWith("send-binary") && !l.word(2).matches("([0-9a-fA-F]{2})+")) {
        out.dropped(l, "\"" + l.word(2) + "\" is not hex bytes");
      } else if (step.startsWith("send") && !expected) {
        send.append(step.equals("send-binary") ? bytesOf(l.word(2)) : l.word(2));
        if (step.equals("send-lf") || step.equals("send-binary-lf")) {
          out.dropped(l, "log-format sends are not carried");
        } else {
          out.carried(l, became + "send");
        }
      } else if (step.equals("expect") && !expected) {
        expected = expect(health, l, became, out);
      } else if (step.equals("comment")) {
        out.carried(l, "a comment");
      } else {
        out.approximated(l, became + "send-expect (first exchange only)",
            "portfw's send-expect check sends once and matches one reply; later steps are not run");
      }
    }
    if (send.length() > 0) {
      health.put("send", send.toString());
    }
    if (!expected) {
      health.put("expect", "^");
      tcpChecks.stream().filter(l -> l.word(1).startsWith("send")).forEach(l -> out.approximated(l, became
          + "send-expect with expect ^", "no expect rule: portfw's check passes on any reply (expect ^)"));
    }
    httpChecks.forEach(l -> out.dropped(l, "the tcp-check rules decide this pool's check"));
    if (httpchk != null) {
      out.dropped(httpchk, "the tcp-check send/expect rules decide this pool's check");
    }
    return health;
  }

  private static void connect(ObjectNode health, Line l, String became, LineOutcomes out) {
    List<String> why = new ArrayList<>();
    for (int i = 2; i < l.words().size(); i++) {
      if (l.word(i).equals("port") && l.word(i + 1).matches("\\d{1,5}")) {
        health.put("port", Integer.parseInt(l.word(++i)));
      } else {
        why.add("connect option " + l.word(i) + " is not carried");
      }
    }
    if (why.isEmpty()) {
      out.carried(l, became + "connect" + (health.has("port") ? " to port " + health.get("port") : ""));
    } else {
      out.approximated(l, became + "connect", String.join("; ", why));
    }
  }

  /** Sets {@code expect}; false when the rule cannot be carried. */
  private static boolean expect(ObjectNode health, Line l, String became, LineOutcomes out) {
    int at = -1;
    for (int i = 2; i < l.words().size(); i++) {
      if (l.word(i).equals("!")) {
        out.dropped(l, "a negated expect has no portfw form");
        return false;
      }
      if (MATCHES.contains(l.word(i))) {
        at = i;
        break;
      }
    }
    if (at < 0 || at + 1 >= l.words().size()) {
      out.dropped(l, "only expect string, rstring, binary and rbinary are carried");
      return false;
    }
    String pattern = l.word(at + 1);
    String regex = switch (l.word(at)) {
      case "string" -> quote(pattern);
      case "binary" -> hexRegex(pattern);
      default -> pattern;
    };
    try {
      java.util.regex.Pattern.compile(regex);
    } catch (java.util.regex.PatternSyntaxException e) {
      out.dropped(l, "the pattern is not a regular expression Java reads: " + e.getDescription());
      return false;
    }
    health.put("expect", regex);
    if (l.word(at).equals("rbinary")) {
      out.approximated(l, became + "expect " + regex, "an rbinary pattern is matched as text over the reply's bytes");
    } else {
      out.carried(l, became + "expect " + regex);
    }
    return true;
  }

  private static void http(ObjectNode health, Line httpchk, List<Line> httpChecks, String became, LineOutcomes out) {
    List<String> args = httpchk.words().subList(2, httpchk.words().size());
    String method = args.size() >= 2 ? args.get(0) : "GET";
    String uri = args.size() == 1 ? args.get(0) : args.size() >= 2 ? args.get(1) : "/";
    List<String> why = new ArrayList<>();
    if (args.size() >= 3) {
      for (String header : args.get(2).split("\r\n")) {
        if (header.regionMatches(true, 0, "Host:", 0, 5)) {
          health.put("host", header.substring(5).strip());
        }
      }
    }
    if (!method.equalsIgnoreCase("GET")) {
      why.add("portfw checks with GET, not " + method);
    }
    health.put("path", uri);
    report(httpchk, became + "http " + uri, why, out);
    for (Line l : httpChecks) {
      why = new ArrayList<>();
      if (l.word(1).equals("expect") && l.word(2).equals("status") && l.word(3).matches("[0-9,-]+")) {
        health.put("expectStatus", l.word(3));
      } else if (l.word(1).equals("expect") && l.word(2).equals("string")) {
        health.put("expectBody", l.word(3));
      } else if (l.word(1).equals("send")) {
        for (int i = 2; i + 1 < l.words().size(); i += 2) {
          switch (l.word(i)) {
            case "uri" -> health.put("path", l.word(i + 1));
            case "meth" -> {
              if (!l.word(i + 1).equalsIgnoreCase("GET")) {
                why.add("portfw checks with GET, not " + l.word(i + 1));
              }
            }
            case "hdr" -> {
              if (l.word(i + 1).equalsIgnoreCase("host")) {
                health.put("host", l.word(i + 2));
              } else {
                why.add("the header " + l.word(i + 1) + " is not sent");
              }
              i++;
            }
            default -> why.add(l.word(i) + " is not carried");
          }
        }
      } else if (l.word(1).equals("connect")) {
        connect(health, l, became, out);
        continue;
      } else {
        out.dropped(l, "this http-check rule has no portfw form (carried: expect status, expect string, send)");
        continue;
      }
      report(l, became + "http " + health.get("path").asText(), why, out);
    }
  }

  private static void report(Line l, String became, List<String> why, LineOutcomes out) {
    if (why.isEmpty()) {
      out.carried(l, became);
    } else {
      out.approximated(l, became, String.join("; ", why));
    }
  }

  private static String quote(String text) {
    return text.replaceAll("[\\\\.^$|?*+()\\[\\]{}]", "\\\\$0").replace("\r", "\\r").replace("\n", "\\n");
  }

  private static String hexRegex(String hex) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i + 1 < hex.length(); i += 2) {
      out.append("\\x").append(hex, i, i + 2);
    }
    return out.toString();
  }

  private static String bytesOf(String hex) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i + 1 < hex.length(); i += 2) {
      out.append((char) Integer.parseInt(hex.substring(i, i + 2), 16));
    }
    return out.toString();
  }
}
