package io.portfw.core.takeover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {

  @TempDir
  Path dir;

  @Test
  void byDefaultItIsBesideTheConfigFile_namedAfterIt() {
    assertThat(StateDirectory.of(Optional.empty(), dir.resolve("edge.json")).path()).isEqualTo(dir.resolve("edge.state"));
    assertThat(StateDirectory.of(Optional.empty(), dir.resolve("edge.conf")).path())
        .isEqualTo(dir.resolve("edge.conf.state"));
  }

  @Test
  void aConfiguredOneIsTakenFromTheConfigFilesDirectory() {
    assertThat(StateDirectory.of(Optional.of("run/portfw"), dir.resolve("portfw.json")).path())
        .isEqualTo(dir.resolve("run/portfw"));
    assertThat(StateDirectory.of(Optional.of("/var/lib/portfw"), dir.resolve("portfw.json")).socket())
        .isEqualTo(Path.of("/var/lib/portfw/control.sock"));
  }

  @Test
  void preparedWithOwnerOnlyAccess_evenWhenItWasWider() throws IOException {
    StateDirectory fresh = StateDirectory.of(Optional.of("a/b"), dir.resolve("portfw.json"));
    fresh.prepare();
    assertThat(Files.getPosixFilePermissions(fresh.path())).isEqualTo(PosixFilePermissions.fromString("rwx------"));

    Path wide = Files.createDirectory(dir.resolve("wide"));
    Files.setPosixFilePermissions(wide, PosixFilePermissions.fromString("rwxrwxrwx"));
    StateDirectory.of(Optional.of("wide"), dir.resolve("portfw.json")).prepare();
    assertThat(Files.getPosixFilePermissions(wide)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void aFileInTheWay_orAPathTooLongForASocket_isRefusedWithWhy() throws IOException {
    Files.writeString(dir.resolve("taken"), "x");
    assertThatThrownBy(() -> StateDirectory.of(Optional.of("taken"), dir.resolve("portfw.json")).prepare())
        .hasMessageContaining("is not a directory");
    String deep = "d".repeat(120);
    assertThatThrownBy(() -> StateDirectory.of(Optional.of(deep), dir.resolve("portfw.json")).prepare())
        .hasMessageContaining("too long for a unix socket");
  }

  @Test
  void aDirectoryOfAnotherUserIsRefused() throws IOException {
    assumeTrue(Peers.ownUid() == 0, "only root can give a directory to another user");
    Path theirs = Files.createDirectory(dir.resolve("theirs"));
    Files.setAttribute(theirs, "unix:uid", 65534);
    assertThatThrownBy(() -> StateDirectory.of(Optional.of("theirs"), dir.resolve("portfw.json")).prepare())
        .hasMessageContaining("belongs to uid 65534");
  }
}
