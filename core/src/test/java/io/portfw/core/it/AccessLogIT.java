package io.portfw.core.it;

import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.CloggedBackend;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.HoldingBackend;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One plain access log line per finished connection, saying how each one ended. */
class AccessLogIT {

  @TempDir
  Path dir;

  @Test
  void eachWayToEnd_isLoggedWithBytesAndBackend() throws Exception {
    Path log = dir.resolve("access.log");
    try (EchoBackend echo = new EchoBackend();
         TaggedBackend tagged = new TaggedBackend("tag");
         RunningForwarder forwarder = RunningForwarder.start("""
             { "accessLog": { "format": "plain", "output": "%s" },
               "listeners": [ { "name": "echo", "listen": "127.0.0.1:%d", "pool": "echo", "timeouts": { "idle": "300ms" } },
                              { "name": "tag", "listen": "127.0.0.1:%d", "pool": "tag" },
                              { "name": "dead", "listen": "127.0.0.1:%d", "pool": "dead" } ],
               "pools": [ { "name": "echo", "backends": [ { "address": "%s" } ] },
                          { "name": "tag", "backends": [ { "address": "%s" } ] },
                          { "name": "dead", "retries": 0, "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
             """.formatted(log, Ports.free(), Ports.free(), Ports.free(), echo.address(), tagged.address(),
             Ports.refusing()))) {
      int echoPort = port(forwarder, 0);
      Socket closing = connect(echoPort);
      assertThat(echo(closing, "hello")).isEqualTo("hello");
      closing.close();
      awaitLines(log, 1);

      Socket idle = connect(echoPort);
      assertThat(echo(idle, "zz")).isEqualTo("zz");
      awaitLines(log, 2); // the idle timeout closes it
      idle.close();

      try (Socket s = connect(port(forwarder, 1))) {
        assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("tag\n");
      }
      awaitLines(log, 3);

      try (Socket s = connect(port(forwarder, 2))) {
        s.getInputStream().read();
      } catch (IOException reset) {
        // refused: expected
      }
      awaitLines(log, 4);

      List<String> lines = Files.readAllLines(log);
      assertThat(lines.get(0)).matches("\\S+ echo 127\\.0\\.0\\.1:\\d+ -> " + echo.address().replace(".", "\\.")
          + " echo \\d+ms 5 5 client-close");
      assertThat(lines.get(1)).endsWith(" 2 2 idle-timeout");
      assertThat(lines.get(2)).contains(" tag ", " -> " + tagged.address()).endsWith(" 0 4 backend-close");
      assertThat(lines.get(3)).contains(" dead ", " -> - dead ").endsWith(" 0 0 refused:connect-failed");
    }
  }

  @Test
  void finTimeout_refusalAfterTheClientsFin_andAStop_areEachNamed() throws Exception {
    Path log = dir.resolve("edge.log");
    try (HoldingBackend holding = new HoldingBackend();
         CloggedBackend silent = new CloggedBackend();
         EchoBackend echo = new EchoBackend()) {
      RunningForwarder forwarder = RunningForwarder.start("""
          { "accessLog": { "format": "plain", "output": "%s" },
            "listeners": [ { "name": "hold", "listen": "127.0.0.1:%d", "pool": "hold", "timeouts": { "fin": "500ms" } },
                           { "name": "silent", "listen": "127.0.0.1:%d", "pool": "silent", "timeouts": { "connect": "400ms" } },
                           { "name": "echo", "listen": "127.0.0.1:%d", "pool": "echo", "timeouts": { "drain": "300ms" } } ],
            "pools": [ { "name": "hold", "backends": [ { "address": "%s" } ] },
                       { "name": "silent", "retries": 0, "backends": [ { "address": "%s" } ] },
                       { "name": "echo", "backends": [ { "address": "%s" } ] } ] }
          """.formatted(log, Ports.free(), Ports.free(), Ports.free(), holding.address(), silent.address(), echo.address()));
      try (Socket s = connect(port(forwarder, 0))) {
        s.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
        s.shutdownOutput(); // the backend reads it all and never answers nor closes
        awaitLines(log, 1);
      }
      try (Socket s = connect(port(forwarder, 1))) {
        s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        s.shutdownOutput(); // its FIN arrives while portfw still waits for the backend
        try {
          s.getInputStream().read();
        } catch (IOException reset) {
          // refused: expected
        }
        awaitLines(log, 2);
      }
      Socket held = connect(port(forwarder, 2));
      assertThat(echo(held, "hi")).isEqualTo("hi");
      forwarder.close(); // the drain timeout closes the held connection
      held.close();

      List<String> lines = Files.readAllLines(log);
      assertThat(lines.get(0)).contains(" hold ").endsWith(" 3 0 fin-timeout");
      assertThat(lines.get(1)).contains(" silent ", " -> - ").endsWith(" 5 0 refused:connect-failed");
      assertThat(lines.get(2)).contains(" echo ").endsWith(" 2 2 stopped");
    }
  }

  private static int port(RunningForwarder forwarder, int listener) {
    return forwarder.runtime().config().listeners().get(listener).listen().firstPort();
  }

  private static void awaitLines(Path log, int n) {
    Eventually.holds(Duration.ofSeconds(10), n + " access log lines", () -> {
      try {
        return Files.exists(log) && Files.readAllLines(log).size() >= n;
      } catch (IOException e) {
        return false;
      }
    });
  }
}
