package io.portfw.core.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/** An importer run on lines or on a test resource, with its report and the JSON it wrote: the importer tests' fixture. */
final class Imported {

  final ImportReport report = new ImportReport();
  /** The config the last read wrote, as text. */
  String json;
  private final Supplier<RuleImporter> importer;

  Imported(Supplier<RuleImporter> importer) {
    this.importer = importer;
  }

  JsonNode read(List<String> lines) throws Exception {
    ConfigDraft draft = new ConfigDraft();
    importer.get().read(lines, draft, report);
    json = draft.toJson();
    return new ObjectMapper().readTree(json);
  }

  JsonNode readResource(String path) throws Exception {
    try (InputStream in = Imported.class.getResourceAsStream(path)) {
      return read(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
    }
  }

  /** The element of {@code array} with that name (a listener, a pool). */
  static JsonNode named(JsonNode array, String name) {
    for (JsonNode n : array) {
      if (n.get("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no " + name + " in " + array);
  }

  /** What the report says of that input line. */
  ImportReport.Entry line(int number) {
    return report.entries().stream().filter(e -> e.line() == number).findFirst()
        .orElseThrow(() -> new AssertionError("line " + number + " is not in the report"));
  }
}
