package io.portfw.core.it;

import static io.portfw.testing.Clients.accepts;
import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloads as an operator triggers them: editing the file, and SIGHUP. */
class ReloadProcessIT {

  @TempDir
  Path dir;

  /** One admin port for the whole test, so reloads see no admin change. */
  private final int adminPort = Ports.free();
  /** The listener every config has, and the one a reload adds. */
  private final int first = Ports.free();
  private final int second = Ports.free();
  private EchoBackend echo;

  @BeforeEach
  void startEcho() {
    echo = new EchoBackend();
  }

  @AfterEach
  void stopEcho() {
    echo.close();
  }

  @Test
  void editedFile_invalidEditIsReportedAndChangesNothing_nextValidEditApplies() throws Exception {
    Path file = write("portfw.json", config(first));
    try (PortfwProcess portfw = running(file); Socket live = connect(first)) {
      assertThat(echo(live, "one")).isEqualTo("one");

      replace(file, config(first).replace("\"pools\"", "\"colour\": \"blue\", \"pools\""));
      Eventually.holds(Duration.ofSeconds(10), () -> "the refusal logged; stderr: " + portfw.stderr(),
          () -> portfw.stderr().contains("reload refused, the running config stays"));
      assertThat(portfw.stderr()).contains("colour: unknown key (known keys: admin, listeners, pools, accessLog, dns, stateDir, logging, cluster)");
      assertThat(echo(live, "two")).isEqualTo("two");

      replace(file, config(first, second));
      portfw.awaitListening(second);
      try (Socket added = connect(second)) {
        assertThat(echo(added, "three")).isEqualTo("three");
      }
      assertThat(echo(live, "four")).as("the connection from before every reload").isEqualTo("four");
      // The new port accepts once it is bound; the reload commits and logs a moment later.
      Eventually.holds(Duration.ofSeconds(5), () -> "the reload logged; stderr: " + portfw.stderr(),
          () -> portfw.stderr().contains("reload applied: +1 listener"));
    }
  }

  @Test
  void sighup_reloadsWhenWatchingIsOff() throws Exception {
    Path file = write("portfw.json", config(first));
    try (PortfwProcess portfw = running(file, "--no-watch")) {
      Files.writeString(file, config(first, second));
      // Longer than the watcher's settle time: it would have applied by now.
      Eventually.holdsFor(Duration.ofSeconds(1), "not applied without a signal", () -> !accepts(second));

      Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(portfw.pid())).inheritIO().start();
      assertThat(kill.waitFor()).isZero();

      portfw.awaitListening(second);
      assertThat(portfw.stderr()).contains("SIGHUP: reloading");
    }
  }

  /** portfw run on {@code file} with these flags, once it listens on the first port. */
  private PortfwProcess running(Path file, String... flags) throws IOException {
    String[] args = Stream.concat(Stream.of("run", "--config", file.toString()), Stream.of(flags)).toArray(String[]::new);
    return PortfwProcess.start(args).awaitListening(first);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  /** As editors do: write a temporary file, then rename it over the old one. */
  private void replace(Path file, String text) throws IOException {
    Path tmp = Files.writeString(dir.resolve(".portfw.json.tmp"), text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private String config(int... ports) {
    StringBuilder listeners = new StringBuilder();
    for (int i = 0; i < ports.length; i++) {
      listeners.append(i == 0 ? "" : ", ").append("""
          { "name": "l%d", "listen": "127.0.0.1:%d", "pool": "echo", "timeouts": { "drain": "1s" } }""".formatted(i, ports[i]));
    }
    return """
        { "admin": { "listen": "127.0.0.1:%d" },
          "listeners": [ %s ],
          "pools": [ { "name": "echo", "backends": [ { "address": "%s" } ] } ] }
        """.formatted(adminPort, listeners, echo.address());
  }
}
