package io.portfw.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portfw.config.BackendConfig;
import io.portfw.config.ConfigLoader;
import io.portfw.config.PortfwConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving runtime changes edits the file's own JSON, and never puts a file in place that would not load. */
class ConfigFileWriterTest {

  @Test
  void aBackendWrittenWithAReference_isNotRewritten_andTheFileStaysAsItWas(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("portfw.json");
    String text = """
        { "listeners": [ { "name": "l", "listen": "127.0.0.1:18080", "pool": "p" } ],
          "pools": [ { "name": "p", "backends": [ { "address": "${PORTFW_TEST_UNSET:-127.0.0.1:9001}" } ] } ] }
        """;
    Files.writeString(file, text);
    PortfwConfig config = ConfigLoader.load(file);
    BackendConfig b = config.pools().get(0).backends().get(0);
    RuntimeChanges changes = new RuntimeChanges();
    changes.put(config, "p", b.address(), Optional.of(new BackendConfig(b.address(), 5, false, 0)), "weight 1 -> 5");
    assertThatThrownBy(() -> ConfigFileWriter.write(file, changes.all(), edited -> {}))
        .isInstanceOf(IOException.class).hasMessageContaining("with a ${NAME} reference");
    assertThat(Files.readString(file)).isEqualTo(text);
  }

  @Test
  void anEditedFileThatWouldNotReadBack_isNotPutInPlace_andTheModeIsKept(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("portfw.json");
    String text = """
        { "listeners": [ { "name": "l", "listen": "127.0.0.1:18080", "pool": "p" } ],
          "pools": [ { "name": "p", "backends": [ { "address": "127.0.0.1:9001" } ] } ] }
        """;
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    PortfwConfig config = ConfigLoader.load(file);
    BackendConfig b = config.pools().get(0).backends().get(0);
    RuntimeChanges changes = new RuntimeChanges();
    changes.put(config, "p", b.address(), Optional.of(new BackendConfig(b.address(), 7, false, 0)), "weight 1 -> 7");
    assertThatThrownBy(() -> ConfigFileWriter.write(file, changes.all(), edited -> {
      assertThat(Files.getPosixFilePermissions(edited)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      throw new IOException("refused by the read-back");
    })).hasMessage("refused by the read-back");
    assertThat(Files.readString(file)).isEqualTo(text);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("portfw.json");
    }

    ConfigFileWriter.write(file, changes.all(), edited -> {});
    assertThat(ConfigLoader.load(file).pools().get(0).backends().get(0).weight()).isEqualTo(7);
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }
}
