package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error {@code portfw check} and a reload can print says where (a JSON path, or a line and
 * column) and why in plain words: never a parser's or the JDK's message as it was thrown.
 */
class ConfigErrorPlacesTest {

  /** A place in the text, or the file as a whole; otherwise a place is a JSON path (see {@link #isPlace}). */
  private static final Pattern TEXT_PLACE = Pattern.compile("line \\d+, (column|byte) \\d+|\\(file\\)|\\(json\\)");
  /** What raw exception text looks like. */
  private static final Pattern RAW = Pattern.compile(
      "Exception|java\\.|For input string|StreamReadConstraints|\\(code \\d+\\)|Input length|Source: |REDACTED");

  @Test
  void nestingTooDeep_saysWhereAndWhatInPlainWords() {
    String json = "{ \"listeners\": " + "[".repeat(1200) + "]".repeat(1200) + ", \"pools\": [] }";
    List<ConfigError> errors = errorsOf(json);
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).path()).matches("line 1, column \\d+");
    assertThat(errors.get(0).message())
        .isEqualTo("invalid JSON: objects and arrays are nested too deep here (more than 1000 levels inside one another)");
  }

  @Test
  void notUtf8_namesTheFirstBadByte_itsOffsetAndLine(@TempDir Path dir) throws Exception {
    byte[] start = "{\n  \"listeners\": [],\n  \"pools\": [ { \"name\": \"caf".getBytes(StandardCharsets.US_ASCII);
    byte[] rest = "\", \"backends\": [] } ]\n}\n".getBytes(StandardCharsets.US_ASCII);
    Path file = dir.resolve("latin1.json");
    byte[] all = new byte[start.length + 1 + rest.length];
    System.arraycopy(start, 0, all, 0, start.length);
    all[start.length] = (byte) 0xE9; // "é" in ISO-8859-1
    System.arraycopy(rest, 0, all, start.length + 1, rest.length);
    Files.write(file, all);
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 3, byte " + start.length + ": the file is not UTF-8 text: byte 0xE9 at offset "
            + start.length);
  }

  @Test
  void aByteOrderMark_isNotAnError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bom.json");
    Files.write(file, ("\uFEFF{ \"listeners\": [], \"pools\": [] }").getBytes(StandardCharsets.UTF_8));
    assertThat(ConfigLoader.load(file).listeners()).isEmpty();
  }

  @Test
  void aDirectory_isNamedAsOne(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.load(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("(file): cannot read: it is a directory, not a file");
  }

  /**
   * Thousands of seeded mutations of the documented examples (characters dropped, swapped,
   * duplicated, values replaced by other types and extremes): each is read as a config or refused
   * with errors that all have a place and plain words; none escapes as another exception.
   */
  @Test
  void mutatedConfigs_areAcceptedOrRefusedWithPlaces_neverWithRawMessages() throws Exception {
    List<String> seeds = new ArrayList<>();
    try (var files = Files.list(Path.of("..", "docs", "examples"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        seeds.add(Files.readString(f));
      }
    }
    assertThat(seeds).isNotEmpty();
    String[] values = {"-1", "0", "99999999999999999999999", "1e400", "\"\"", "\"x\"", "null", "true", "[]", "{}",
        "\"99999999999d\"", "\"999999999h\"", "\"0.0.0.0:0\"", "\"[::1]:99999\"", "\"300.1.1.1:80\"", "\"10.0.0.0/33\"",
        "\"${UNSET_PORTFW_VAR}\"", "\"\\u0000\"", "\"(\"", "-0.5", "1.5"};
    Random random = new Random(20261206);
    int refused = 0;
    for (int i = 0; i < 4000; i++) {
      String seed = seeds.get(random.nextInt(seeds.size()));
      String mutated = mutate(seed, random, values);
      try {
        ConfigLoader.parse(mutated, "fuzz.json", name -> null);
      } catch (ConfigException e) {
        refused++;
        for (ConfigError error : e.errors()) {
          assertThat(isPlace(error.path(), mutated)).as("place of %s in\n%s", error, mutated).isTrue();
          assertThat(error.message()).as("words of %s in\n%s", error, mutated).doesNotContainPattern(RAW);
        }
      } catch (RuntimeException e) {
        throw new AssertionError("escaped as " + e + " for\n" + mutated, e);
      }
    }
    assertThat(refused).as("most mutations break something").isGreaterThan(1000);
  }

  /**
   * A place in the text, or a JSON path such as {@code pools[0].backends[1].address} that starts
   * at a top-level section (one that is missing, too) or at a key as the document spells it.
   */
  private static boolean isPlace(String path, String document) {
    if (TEXT_PLACE.matcher(path).matches()) {
      return true;
    }
    if (path.startsWith("[\"")) {
      return true; // a key that is not a plain word, quoted as the document has it
    }
    String first = path.split("[.\\[]", 2)[0];
    return List.of("admin", "listeners", "pools", "accessLog", "dns").contains(first)
        || (first.matches("[A-Za-z_][A-Za-z0-9_-]*") && document.contains("\"" + first + "\""));
  }

  private static String mutate(String text, Random random, String[] values) {
    StringBuilder s = new StringBuilder(text);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(4)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, s.charAt(random.nextInt(s.length())));
        case 2 -> { // replace the value after a colon
          int colon = s.indexOf(":", at);
          if (colon > 0) {
            int end = colon + 1;
            while (end < s.length() && ",}]\n".indexOf(s.charAt(end)) < 0) {
              end++;
            }
            s.replace(colon + 1, end, " " + values[random.nextInt(values.length)]);
          }
        }
        default -> {
          int other = random.nextInt(s.length());
          char c = s.charAt(at);
          s.setCharAt(at, s.charAt(other));
          s.setCharAt(other, c);
        }
      }
    }
    return s.toString();
  }

  private static List<ConfigError> errorsOf(String json) {
    try {
      ConfigLoader.parse(json, "test.json");
    } catch (ConfigException e) {
      return e.errors();
    }
    throw new AssertionError("expected the config to be refused");
  }
}
