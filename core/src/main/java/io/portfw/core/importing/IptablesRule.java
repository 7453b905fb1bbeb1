package io.portfw.core.importing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@code -A CHAIN ...} line of {@code iptables-save}: its options in order, each with its
 * values and whether a {@code !} negated it. Quoted values (comments) are kept whole.
 */
record IptablesRule(int line, String source, String table, String chain, List<Option> options) {

  /** {@code [!] --name value...}. */
  record Option(boolean negated, String name, List<String> values) {
    String value() {
      return values.isEmpty() ? "" : values.get(0);
    }
  }

  IptablesRule {
    options = List.copyOf(options);
  }

  /** Parses the words after {@code -A}; throws when the quoting is broken or the chain is missing. */
  static IptablesRule parse(int line, String source, String table) throws ImportException {
    List<String[]> words = words(source, line); // {text, "q" when quoted}
    if (words.size() < 2 || !words.get(0)[0].equals("-A") || words.get(1)[0].startsWith("-")) {
      throw new ImportException(line, "a rule is -A CHAIN followed by its matches and target");
    }
    List<Option> options = new ArrayList<>();
    boolean negate = false;
    String name = null;
    List<String> values = new ArrayList<>();
    boolean negatedHere = false;
    for (int i = 2; i < words.size(); i++) {
      String w = words.get(i)[0];
      boolean quoted = words.get(i)[1] != null;
      if (!quoted && w.equals("!")) {
        negate = true;
      } else if (!quoted && w.startsWith("-") && w.length() > 1 && !Character.isDigit(w.charAt(1))) {
        if (name != null) {
          options.add(new Option(negatedHere, name, values));
        }
        name = w;
        values = new ArrayList<>();
        negatedHere = negate;
        negate = false;
      } else if (name == null) {
        throw new ImportException(line, "\"" + w + "\" comes before any option");
      } else {
        values.add(w);
        negatedHere |= negate; // the old form: -s ! 10.0.0.1
        negate = false;
      }
    }
    if (name != null) {
      options.add(new Option(negatedHere, name, values));
    }
    return new IptablesRule(line, source, table, words.get(1)[0], options);
  }

  /** The last option of one of these names (iptables-save writes each once). */
  Optional<Option> option(String... names) {
    Option found = null;
    for (Option o : options) {
      for (String n : names) {
        if (o.name().equals(n)) {
          found = o;
        }
      }
    }
    return Optional.ofNullable(found);
  }

  /** The {@code -j} (or {@code -g}) target, or "" when the rule has none. */
  String target() {
    return option("-j", "--jump", "-g", "--goto").map(Option::value).orElse("");
  }

  private static List<String[]> words(String text, int line) throws ImportException {
    List<String[]> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    boolean quoted = false;
    boolean inQuotes = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inQuotes) {
        if (c == '\\' && i + 1 < text.length()) {
          word.append(text.charAt(++i));
        } else if (c == '"') {
          inQuotes = false;
        } else {
          word.append(c);
        }
      } else if (c == '"') {
        inQuotes = true;
        inWord = true;
        quoted = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(new String[] {word.toString(), quoted ? "q" : null});
        }
        word.setLength(0);
        inWord = false;
        quoted = false;
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inQuotes) {
      throw new ImportException(line, "a quote is not closed");
    }
    if (inWord) {
      out.add(new String[] {word.toString(), quoted ? "q" : null});
    }
    return out;
  }
}
