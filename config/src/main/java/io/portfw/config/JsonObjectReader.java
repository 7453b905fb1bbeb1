package io.portfw.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the fields of one JSON object, reporting each type error against its path and,
 * at the end, every key that was never asked for.
 */
final class JsonObjectReader {

  /** An element of a JSON array with its path. */
  record Element(JsonNode node, String path) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private final JsonNode node;
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private final String path;
  private final Problems problems;
  private final Set<String> known = new LinkedHashSet<>();
  /** Not an object at all: that one error is reported, not every field as missing. */
  private final boolean wrongType;

  JsonObjectReader(JsonNode node, String path, Problems problems) {
    this.path = path;
    this.problems = problems;
    this.wrongType = !(node.isObject() || node.isMissingNode());
    if (wrongType) {
      problems.add(path, "must be an object, not " + kind(node));
      this.node = MissingNode.getInstance();
    } else {
      this.node = node;
    }
  }

  String path() {
    return path;
  }

  /** {@code pools[0].name}; a key that is not a plain word (a typo with a dot or a space) is quoted: {@code pools[0]["na me"]}. */
  String pathOf(String key) {
    if (!PLAIN_KEY.matcher(key).matches()) {
      return path + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }
    return path.isEmpty() ? key : path + "." + key;
  }

  Optional<String> string(String key, boolean required) {
    JsonNode value = field(key, required);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      problems.add(pathOf(key), "must be a string, not " + kind(value));
      return Optional.empty();
    }
    if (required && value.asText().isBlank()) {
      problems.add(pathOf(key), "must not be empty");
      return Optional.empty();
    }
    return Optional.of(value.asText());
  }

  /** A required name of a listener or pool: 1-63 letters, digits, '.', '_' or '-', the first a letter or digit. */
  Optional<String> name(String key) {
    Optional<String> name = string(key, true);
    if (name.isPresent() && !NAME.matcher(name.get()).matches()) {
      problems.add(pathOf(key), "\"" + name.get() + "\" is not a valid name (1-63 letters, digits, '.', '_' or '-')");
      return Optional.empty();
    }
    return name;
  }

  int integer(String key, int min, int max, int fallback) {
    JsonNode value = field(key, false);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber()) {
      problems.add(pathOf(key), "must be a whole number, not " + (value.isNumber() ? value.asText() : kind(value)));
      return fallback;
    }
    if (!value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
      problems.add(pathOf(key), value.asText() + " is out of range " + min + "-" + max);
      return fallback;
    }
    return value.asInt();
  }

  boolean bool(String key, boolean fallback) {
    JsonNode value = field(key, false);
    if (value == null) {
      return fallback;
    }
    if (!value.isBoolean()) {
      problems.add(pathOf(key), "must be true or false, not " + kind(value));
      return fallback;
    }
    return value.asBoolean();
  }

  /** The longest duration the config takes: beyond it, nanosecond arithmetic would overflow. */
  static final Duration LONGEST = Duration.ofDays(365);

  Duration duration(String key, Duration fallback) {
    return duration(key, fallback, false);
  }

  /** A duration; {@code zeroAllowed} for the settings where 0 means "off". */
  Duration duration(String key, Duration fallback, boolean zeroAllowed) {
    Optional<String> text = string(key, false);
    if (text.isEmpty()) {
      return fallback;
    }
    Optional<Duration> parsed = Durations.parse(text.get());
    if (parsed.isEmpty()) {
      problems.add(pathOf(key), "\"" + text.get() + "\" is not a duration (use e.g. 250ms, 5s, 2m, 1h)");
      return fallback;
    }
    if (parsed.get().isZero() && !zeroAllowed) {
      problems.add(pathOf(key), "must be longer than 0");
      return fallback;
    }
    if (parsed.get().compareTo(LONGEST) > 0) {
      problems.add(pathOf(key), "\"" + text.get() + "\" is longer than the longest allowed, 365d");
      return fallback;
    }
    return parsed.get();
  }

  List<Element> array(String key, boolean required) {
    JsonNode value = field(key, required);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      problems.add(pathOf(key), "must be an array, not " + kind(value));
      return List.of();
    }
    List<Element> elements = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      elements.add(new Element(value.get(i), pathOf(key) + "[" + i + "]"));
    }
    return elements;
  }

  /** An array of non-empty strings; {@code fallback} when the key is absent. */
  List<String> strings(String key, List<String> fallback) {
    if (!has(key)) {
      return fallback;
    }
    List<String> out = new ArrayList<>();
    for (Element e : array(key, false)) {
      if (!e.node().isTextual() || e.node().asText().isBlank()) {
        problems.add(e.path(), "must be a non-empty string, not " + kind(e.node()));
      } else {
        out.add(e.node().asText());
      }
    }
    return out;
  }

  /** A reader for a nested object; an absent key reads as an empty object. */
  JsonObjectReader object(String key) {
    JsonNode value = field(key, false);
    return new JsonObjectReader(value == null ? MissingNode.getInstance() : value, pathOf(key), problems);
  }

  /** Whether the key holds an array, even an empty one. */
  boolean isArray(String key) {
    JsonNode value = node.get(key);
    return value != null && value.isArray();
  }

  boolean has(String key) {
    known.add(key);
    return node.has(key);
  }

  /**
   * Reports each of these keys that is present as not belonging here, saying why. They count as
   * known, so a key of another listener or probe kind is named as misplaced, not as unknown.
   */
  void misplaced(String why, String... keys) {
    for (String key : keys) {
      if (has(key)) {
        problems.add(pathOf(key), why);
      }
    }
  }

  /** Reports every key of this object that no read asked for. Call after all reads. */
  void rejectUnknownKeys() {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        problems.add(pathOf(name), "unknown key (known keys: " + String.join(", ", known) + ")");
      }
    }
  }

  private JsonNode field(String key, boolean required) {
    known.add(key);
    JsonNode value = node.get(key);
    if (value == null) {
      if (required && !wrongType) {
        problems.add(pathOf(key), "is required");
      }
      return null;
    }
    return value;
  }

  static String kind(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
