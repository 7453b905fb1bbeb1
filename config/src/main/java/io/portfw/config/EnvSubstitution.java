package io.portfw.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in every string value of a parsed
 * config with the environment's value, so secrets stay out of the file. {@code $${} writes a
 * literal {@code ${}. As in the shell, {@code :-} takes the default when the variable is unset
 * or empty. A variable that is not set and has no default, a nested reference or a stray
 * {@code ${} is an error at its path.
 */
final class EnvSubstitution {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final Function<String, String> env;
  private final Problems problems;

  EnvSubstitution(Function<String, String> env, Problems problems) {
    this.env = env;
    this.problems = problems;
  }

  void apply(JsonNode node, String path) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        if (field.getValue().isTextual()) {
          field.setValue(new TextNode(substitute(field.getValue().asText(), at)));
        } else {
          apply(field.getValue(), at);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        String at = path + "[" + i + "]";
        if (array.get(i).isTextual()) {
          array.set(i, new TextNode(substitute(array.get(i).asText(), at)));
        } else {
          apply(array.get(i), at);
        }
      }
    }
  }

  private String substitute(String text, String path) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    int covered = 0;
    while (m.find()) {
      if (text.substring(covered, m.start()).contains("${")) {
        break; // a ${ no reference matched: reported below
      }
      covered = m.end();
      String replacement;
      if (m.group().equals("$${")) {
        replacement = "${";
      } else {
        if (m.group(2) != null && m.group(2).contains("${")) {
          problems.add(path, "\"" + text + "\": nested references are not supported");
          return text;
        }
        String value = env.apply(m.group(1));
        if (value == null || (value.isEmpty() && m.group(2) != null)) {
          value = m.group(2);
        }
        if (value == null) {
          problems.add(path, "environment variable " + m.group(1) + " is not set (write ${" + m.group(1)
              + ":-default} to give a default)");
          value = "";
        }
        replacement = value;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    if (text.substring(covered).contains("${")) {
      problems.add(path, "\"" + text + "\" has a ${ that is not a reference: write ${NAME}, ${NAME:-default}, or $${ for a literal");
      return text;
    }
    m.appendTail(out);
    return out.toString();
  }
}
