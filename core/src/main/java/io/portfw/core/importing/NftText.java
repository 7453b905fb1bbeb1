package io.portfw.core.importing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An nft JSON rule written back in nft's own words ({@code tcp dport 80 dnat to 10.0.0.1:8080}),
 * so the import report quotes each rule the way its operator reads it.
 */
final class NftText {

  private static final int MAX = 240;

  private NftText() {}

  static String rule(String family, String table, String chain, JsonNode expr) {
    List<String> parts = new ArrayList<>();
    expr.forEach(e -> parts.add(statement(e)));
    String text = family + " " + table + " " + chain + ": " + String.join(" ", parts);
    return text.length() > MAX ? text.substring(0, MAX - 3) + "..." : text;
  }

  static String statement(JsonNode e) {
    if (!e.isObject() || e.size() != 1) {
      return e.toString();
    }
    Map.Entry<String, JsonNode> only = e.fields().next();
    JsonNode v = only.getValue();
    return switch (only.getKey()) {
      case "match" -> value(v.path("left")) + (v.path("op").asText("==").matches("==|in") ? " " : " "
          + v.path("op").asText() + " ") + value(v.path("right"));
      case "dnat", "snat" -> only.getKey() + " to " + value(v.path("addr"))
          + (v.has("port") ? ":" + value(v.get("port")) : "");
      case "redirect" -> "redirect" + (v.has("port") ? " to :" + value(v.get("port")) : "");
      case "jump", "goto" -> only.getKey() + " " + v.path("target").asText();
      case "counter" -> "counter";
      default -> v.isNull() || v.isObject() && v.isEmpty() ? only.getKey() : only.getKey() + " " + value(v);
    };
  }

  static String value(JsonNode v) {
    if (v.isTextual() || v.isNumber() || v.isBoolean()) {
      return v.asText();
    }
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(i -> items.add(i.isArray() && i.size() == 2 ? value(i.get(0)) + " : " + value(i.get(1)) : value(i)));
      return String.join(", ", items);
    }
    if (!v.isObject() || v.size() == 0) {
      return v.toString();
    }
    if (v.has("payload")) {
      return v.get("payload").path("protocol").asText() + " " + v.get("payload").path("field").asText();
    }
    if (v.has("meta")) {
      return "meta " + v.get("meta").path("key").asText();
    }
    if (v.has("set")) {
      return "{ " + value(v.get("set")) + " }";
    }
    if (v.has("range")) {
      return value(v.get("range").path(0)) + "-" + value(v.get("range").path(1));
    }
    if (v.has("prefix")) {
      return v.get("prefix").path("addr").asText() + "/" + v.get("prefix").path("len").asText();
    }
    if (v.has("concat")) {
      List<String> items = new ArrayList<>();
      v.get("concat").forEach(i -> items.add(value(i)));
      return String.join(" . ", items);
    }
    if (v.has("map")) {
      return value(v.get("map").path("key")) + " map " + value(v.get("map").path("data"));
    }
    if (v.has("numgen")) {
      return "numgen " + v.get("numgen").path("mode").asText() + " mod " + v.get("numgen").path("mod").asText();
    }
    if (v.has("jhash")) {
      return "jhash " + value(v.get("jhash").path("expr")) + " mod " + v.get("jhash").path("mod").asText();
    }
    return v.size() == 1 ? statement(v) : v.toString();
  }
}
