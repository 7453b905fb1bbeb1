package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every config the documentation shows is one portfw accepts. */
class DocumentedConfigsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

  @Test
  void exampleFiles_areValid() throws Exception {
    List<Path> examples;
    try (Stream<Path> files = Files.list(ROOT.resolve("docs/examples"))) {
      examples = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(examples).isNotEmpty();
    for (Path example : examples) {
      assertThat(ConfigLoader.load(example).listeners()).as(example.toString()).isNotEmpty();
    }
  }

  @Test
  void readmeConfig_isValidAndTheSameAsTheExampleFile() throws Exception {
    List<String> blocks = jsonBlocks(ROOT.resolve("README.md"));
    assertThat(blocks).hasSize(1);
    PortfwConfig inReadme = ConfigLoader.parse(blocks.get(0), "README.md");
    assertThat(inReadme).isEqualTo(ConfigLoader.load(ROOT.resolve("docs/examples/classic.json")));
  }

  private static List<String> jsonBlocks(Path markdown) throws IOException {
    Matcher m = JSON_BLOCK.matcher(Files.readString(markdown));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }
}
