package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.Clients;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.TaggedBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** logrotate's way: the access log file is renamed, SIGUSR1 makes portfw open it anew, and no line is lost. */
class AccessLogReopenIT {

  @TempDir
  Path dir;

  @Test
  void renameThenSigusr1_newLinesLandInTheNewFile_noneLost() throws Exception {
    int port = Ports.free();
    Path log = dir.resolve("access.log");
    Path rotated = dir.resolve("access.log.1");
    try (TaggedBackend backend = new TaggedBackend("b1")) {
      Path file = Files.writeString(dir.resolve("portfw.json"), """
          { "admin": { "listen": "127.0.0.1:%d" },
            "accessLog": { "output": "%s" },
            "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "p" } ],
            "pools": [ { "name": "p", "backends": [ { "address": "%s" } ] } ] }
          """.formatted(Ports.free(), log, port, backend.address()));
      try (PortfwProcess portfw = PortfwProcess.start("run", "--no-watch", "--config", file.toString()).awaitListening(port)) {
        int probe = 1; // the connection with which awaitListening saw portfw listen is logged too
        // Connections go on while the file is renamed and reopened, as they would under logrotate.
        int before = 20;
        for (int i = 0; i < before; i++) {
          assertThat(Clients.answerOf(port)).isEqualTo("b1");
        }
        Files.move(log, rotated);
        int during = 10;
        for (int i = 0; i < during; i++) {
          assertThat(Clients.answerOf(port)).isEqualTo("b1");
        }
        portfw.signal("USR1");
        Eventually.holds(Duration.ofSeconds(10), () -> "reopened; stderr: " + portfw.stderr(),
            () -> portfw.stderr().contains("access log: reopened " + log));
        int after = 20;
        for (int i = 0; i < after; i++) {
          assertThat(Clients.answerOf(port)).isEqualTo("b1");
        }
        Eventually.holds(Duration.ofSeconds(10), () -> "every line written: " + lines(rotated).size() + " + "
            + lines(log).size(), () -> lines(rotated).size() + lines(log).size() == probe + before + during + after);
        assertThat(lines(log)).as("the lines after the reopen are in the new file").hasSizeGreaterThanOrEqualTo(after);
        assertThat(lines(rotated)).as("the lines before the rename stay in the renamed file")
            .hasSizeGreaterThanOrEqualTo(probe + before);
        List<String> all = new ArrayList<>(lines(rotated));
        all.addAll(lines(log));
        assertThat(all).allMatch(l -> l.contains(" web 127.0.0.1:") && l.contains(" -> " + backend.address() + " p "));
        assertThat(portfw.isAlive()).as("SIGUSR1 does not stop it").isTrue();
      }
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
