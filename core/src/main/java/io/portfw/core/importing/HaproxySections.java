package io.portfw.core.importing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An haproxy.cfg cut into its sections, each line split into words as HAProxy splits them:
 * blanks separate, quotes group, a backslash escapes the next character ({@code \r}, {@code \n},
 * {@code \t} and {@code \xHH} stand for those bytes), {@code #} outside quotes starts a comment.
 */
final class HaproxySections {

  private static final Set<String> SECTIONS = Set.of("global", "defaults", "frontend", "backend", "listen",
      "userlist", "peers", "resolvers", "mailers", "cache", "program", "http-errors", "ring", "crt-store",
      "log-forward", "traces", "acme");

  /** One line of the input: its number, its text and its words. */
  record Line(int number, String raw, List<String> words) {
    String word(int i) {
      return i < words.size() ? words.get(i) : "";
    }

    String keyword() {
      return words.get(0);
    }
  }

  /** A section: its kind ({@code listen}, ...), its name, its header line and the lines under it. */
  record Section(String kind, String name, Line header, List<Line> lines) {}

  private HaproxySections() {}

  static List<Section> read(List<String> input) throws ImportException {
    List<Section> sections = new ArrayList<>();
    for (int i = 0; i < input.size(); i++) {
      List<String> words = words(input.get(i), i + 1);
      if (words.isEmpty()) {
        continue;
      }
      Line line = new Line(i + 1, input.get(i), words);
      if (SECTIONS.contains(words.get(0))) {
        sections.add(new Section(words.get(0), line.word(1), line, new ArrayList<>()));
      } else if (sections.isEmpty()) {
        throw new ImportException(i + 1, "\"" + words.get(0) + "\" comes before any section (global, defaults,"
            + " frontend, backend, listen): this is not an haproxy.cfg");
      } else {
        sections.get(sections.size() - 1).lines().add(line);
      }
    }
    return sections;
  }

  static List<String> words(String text, int number) throws ImportException {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && quote != '\'') {
        if (i + 1 >= text.length()) {
          throw new ImportException(number, "a backslash ends the line (HAProxy does not continue lines)");
        }
        word = word == null ? new StringBuilder() : word;
        char next = text.charAt(++i);
        switch (next) {
          case 'r' -> word.append('\r');
          case 'n' -> word.append('\n');
          case 't' -> word.append('\t');
          case 'x' -> {
            if (i + 2 >= text.length() || !text.substring(i + 1, i + 3).matches("[0-9a-fA-F]{2}")) {
              throw new ImportException(number, "\\x must be followed by two hex digits");
            }
            word.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
            i += 2;
          }
          default -> word.append(next);
        }
      } else if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (c == '#') {
        break;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (quote != 0) {
      throw new ImportException(number, "a " + (quote == '"' ? "double" : "single") + " quote is not closed");
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
