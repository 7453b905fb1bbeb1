package io.portfw.core.importing;

import java.util.ArrayList;
import java.util.List;

/**
 * An nginx config as its tree of directives: a name and arguments ended by {@code ;}, or by a
 * block in braces holding more directives. Blanks separate words, quotes group them, a backslash
 * escapes the next character, {@code #} outside quotes starts a comment. Unbalanced braces, an
 * unclosed quote or a directive without its {@code ;} are errors at their line.
 */
final class NginxDirectives {

  /** One directive: where it starts, its words, and its block (null for a simple directive). */
  record Directive(int line, String raw, String name, List<String> args, List<Directive> block) {
    String arg(int i) {
      return i < args.size() ? args.get(i) : "";
    }

    boolean isBlock() {
      return block != null;
    }
  }

  private final List<String> lines;
  private int row;
  private int col;

  private NginxDirectives(List<String> lines) {
    this.lines = lines;
  }

  static List<Directive> read(List<String> lines) throws ImportException {
    NginxDirectives p = new NginxDirectives(lines);
    List<Directive> top = p.block(false);
    return top;
  }

  private List<Directive> block(boolean nested) throws ImportException {
    List<Directive> out = new ArrayList<>();
    List<String> words = new ArrayList<>();
    int start = -1;
    while (true) {
      Token t = next();
      if (t == null) {
        if (!words.isEmpty()) {
          throw new ImportException(start + 1, "\"" + words.get(0) + "\" is not ended by \";\"");
        }
        if (nested) {
          throw new ImportException(lines.size(), "a block is not closed: \"}\" is missing at the end");
        }
        return out;
      }
      if (t.special == '}' ) {
        if (!words.isEmpty()) {
          throw new ImportException(start + 1, "\"" + words.get(0) + "\" is not ended by \";\" before \"}\"");
        }
        if (!nested) {
          throw new ImportException(t.line + 1, "a \"}\" closes no block");
        }
        return out;
      }
      if (t.special == ';' || t.special == '{') {
        if (words.isEmpty()) {
          throw new ImportException(t.line + 1, "a \"" + t.special + "\" without a directive before it");
        }
        List<Directive> inner = t.special == '{' ? block(true) : null;
        out.add(new Directive(start + 1, lines.get(start).strip(), words.get(0), List.copyOf(words.subList(1,
            words.size())), inner));
        words.clear();
        continue;
      }
      if (words.isEmpty()) {
        start = t.line;
      }
      words.add(t.word);
    }
  }

  private record Token(int line, String word, char special) {}

  private Token next() throws ImportException {
    while (row < lines.size()) {
      String text = lines.get(row);
      while (col < text.length() && Character.isWhitespace(text.charAt(col))) {
        col++;
      }
      if (col >= text.length() || text.charAt(col) == '#') {
        row++;
        col = 0;
        continue;
      }
      char c = text.charAt(col);
      if (c == ';' || c == '{' || c == '}') {
        col++;
        return new Token(row, null, c);
      }
      int startRow = row;
      StringBuilder word = new StringBuilder();
      if (c == '"' || c == '\'') {
        col++;
        while (true) {
          if (col >= text.length()) {
            throw new ImportException(startRow + 1, "a quote is not closed on its line");
          }
          char q = text.charAt(col++);
          if (q == '\\' && col < text.length()) {
            word.append(text.charAt(col++));
          } else if (q == c) {
            break;
          } else {
            word.append(q);
          }
        }
        return new Token(startRow, word.toString(), (char) 0);
      }
      while (col < text.length()) {
        char w = text.charAt(col);
        if (Character.isWhitespace(w) || w == ';' || w == '{' || w == '}') {
          break;
        }
        if (w == '\\' && col + 1 < text.length()) {
          col++;
          w = text.charAt(col);
        }
        word.append(w);
        col++;
      }
      return new Token(startRow, word.toString(), (char) 0);
    }
    return null;
  }
}
