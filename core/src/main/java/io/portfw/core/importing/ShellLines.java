package io.portfw.core.importing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines of a shell script as an rc file has them: comments dropped, simple variable
 * assignments ({@code EXTIP=192.0.2.1}, {@code export LAN="10.0.0.0"}) remembered in order and
 * {@code $NAME} / {@code ${NAME}} expanded in the lines after them. Anything more (command
 * substitution, conditionals) is left as written, for the importer to report.
 */
final class ShellLines {

  private static final Pattern ASSIGNMENT =
      Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=(?:\"([^\"]*)\"|'([^']*)'|(\\S*))\\s*(?:#.*)?$");
  private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

  private final Map<String, String> variables = new HashMap<>();

  /** A line read in order: an assignment is remembered (and yields null), any other line comes back expanded. */
  Expanded next(String raw) {
    String line = stripComment(raw).strip();
    if (line.isEmpty()) {
      return null;
    }
    Matcher assignment = ASSIGNMENT.matcher(line);
    if (assignment.matches()) {
      String value = assignment.group(2) != null ? assignment.group(2)
          : assignment.group(3) != null ? assignment.group(3) : assignment.group(4);
      variables.put(assignment.group(1), expand(value, new ArrayList<>()));
      return null;
    }
    List<String> unset = new ArrayList<>();
    String expanded = expand(line, unset);
    return new Expanded(expanded, unset);
  }

  /** A line with its variables replaced, and those that were not set in the file. */
  record Expanded(String text, List<String> unset) {}

  private String expand(String text, List<String> unset) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = variables.get(name);
      if (value == null) {
        unset.add(name);
        value = m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Drops a comment: '#' at the start of the line or after a blank, outside quotes. */
  static String stripComment(String line) {
    boolean single = false;
    boolean dbl = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'' && !dbl) {
        single = !single;
      } else if (c == '"' && !single) {
        dbl = !dbl;
      } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }
}
