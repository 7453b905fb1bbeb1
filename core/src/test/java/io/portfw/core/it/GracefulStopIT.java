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
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM: stop accepting, let live connections finish up to the drain timeout, exit 0. */
class GracefulStopIT {

  @TempDir
  Path dir;

  @Test
  void sigterm_stopsAcceptingButLetsLiveConnectionsFinish() throws Exception {
    int port = Ports.free();
    try (EchoBackend echo = new EchoBackend();
         PortfwProcess portfw = listening(port, echo, "30s");
         Socket live = connect(port)) {
      assertThat(echo(live, "before")).isEqualTo("before");

      portfw.terminate();

      Eventually.holds(Duration.ofSeconds(10), "new connections refused", () -> !accepts(port));
      assertThat(portfw.isAlive()).as("still draining the live connection").isTrue();
      assertThat(echo(live, "during the drain")).isEqualTo("during the drain");
      live.shutdownOutput();
      assertThat(live.getInputStream().read()).isEqualTo(-1);

      assertThat(portfw.waitFor(Duration.ofSeconds(15))).as("exits once the last connection ended").isTrue();
      assertThat(portfw.exitCode()).isZero();
      assertThat(portfw.stderr()).contains("SIGTERM: stopped accepting, draining live connections");
    }
  }

  @Test
  void sigterm_closesWhatIsLeftAfterTheDrainTimeout() throws Exception {
    int port = Ports.free();
    try (EchoBackend echo = new EchoBackend();
         PortfwProcess portfw = listening(port, echo, "1s");
         Socket idle = connect(port)) {
      assertThat(echo(idle, "hello")).isEqualTo("hello");
      long signalled = System.nanoTime();

      portfw.terminate();

      assertThat(portfw.waitFor(Duration.ofSeconds(20))).isTrue();
      assertThat(portfw.exitCode()).isZero();
      // It waited for the leftover connection as long as the drain timeout allows, and not much longer.
      assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
    }
  }

  @Test
  void portInUse_oneClearLineAndExitOne() throws Exception {
    try (EchoBackend echo = new EchoBackend(); Socket ignored = new Socket()) {
      int taken = echo.port(); // the echo backend already listens there
      try (PortfwProcess portfw = PortfwProcess.start("run", "--config", config(taken, echo, "1s").toString())) {
        assertThat(portfw.exitCode()).isEqualTo(1);
        assertThat(portfw.stderr().lines().filter(l -> l.startsWith("portfw: ")))
            .containsExactly("portfw: listener \"web\" cannot listen on 127.0.0.1:" + taken
                + ": the address is already in use");
      }
    }
  }

  /** portfw run with this drain timeout, once it listens on {@code port}. */
  private PortfwProcess listening(int port, EchoBackend echo, String drain) throws IOException {
    return PortfwProcess.start("run", "--config", config(port, echo, drain).toString()).awaitListening(port);
  }

  private Path config(int port, EchoBackend echo, String drain) throws IOException {
    return Files.writeString(dir.resolve("portfw.json"), """
        { "admin": { "listen": "127.0.0.1:%d" },
          "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web",
                           "timeouts": { "drain": "%s" } } ],
          "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] } ] }
        """.formatted(Ports.free(), port, drain, echo.address()));
  }
}
