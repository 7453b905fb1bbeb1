package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.TaggedBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged product logs each health change once, with the backend, both states and the reason. */
class HealthLogProcessIT {

  @TempDir
  Path dir;

  @Test
  void eachStateChange_isLoggedOnceWithItsReason() throws Exception {
    int port = Ports.free();
    int deadPort = Ports.free();
    try (EchoBackend live = new EchoBackend()) {
      Path file = dir.resolve("portfw.json");
      Files.writeString(file, """
          { "admin": { "listen": "127.0.0.1:%d" },
            "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p" } ],
            "pools": [ { "name": "p",
                         "health": { "type": "tcp", "interval": "100ms", "timeout": "500ms", "rise": 2, "fall": 3 },
                         "backends": [ { "address": "127.0.0.1:%d" }, { "address": "127.0.0.1:%d" } ] } ] }
          """.formatted(Ports.free(), port, deadPort, live.port()));
      try (PortfwProcess portfw = PortfwProcess.start("run", "--config", file.toString()).awaitListening(port)) {
        String down = "pool p: backend 127.0.0.1:" + deadPort
            + " UP -> DOWN (checks failing: connect refused, first check failed)";
        Eventually.holds(Duration.ofSeconds(10), () -> "down logged; stderr: " + portfw.stderr(),
            () -> portfw.stderr().contains(down));
        // Ten more failing checks (100ms interval): none may log again.
        Eventually.holdsFor(Duration.ofSeconds(1), () -> "logged once; stderr: " + portfw.stderr(),
            () -> count(portfw.stderr(), "backend 127.0.0.1:" + deadPort + " UP -> DOWN") == 1);

        try (TaggedBackend back = new TaggedBackend("back", "127.0.0.1", deadPort)) {
          String up = "pool p: backend 127.0.0.1:" + deadPort
              + " DOWN -> UP (checks passing: connected, 2 checks passed in a row)";
          Eventually.holds(Duration.ofSeconds(10), () -> "up logged; stderr: " + portfw.stderr(),
              () -> portfw.stderr().contains(up));
          // Five more passing checks: none may log again.
          Eventually.holdsFor(Duration.ofMillis(500), () -> "logged once; stderr: " + portfw.stderr(),
              () -> count(portfw.stderr(), "DOWN -> UP") == 1);
          assertThat(count(portfw.stderr(), "127.0.0.1:" + live.port() + " UP -> DOWN")).as("the live one").isZero();
        }
      }
    }
  }

  private static int count(String text, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
