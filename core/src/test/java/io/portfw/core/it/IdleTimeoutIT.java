package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.HoldingBackend;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connection that passes no byte for the idle timeout is closed on both sides; a busy one is
 * not; a half-closed one whose other side goes quiet only lasts the fin timeout.
 */
class IdleTimeoutIT {

  private static EchoBackend echo;
  private static HoldingBackend holding;
  private static RunningForwarder forwarder;
  private static int holdingPort;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoBackend();
    holding = new HoldingBackend();
    holdingPort = Ports.free();
    forwarder = RunningForwarder.start("""
        { "listeners": [
            { "name": "l", "listen": "127.0.0.1:%d", "pool": "p", "timeouts": { "idle": "500ms" } },
            { "name": "half", "listen": "127.0.0.1:%d", "pool": "holding", "timeouts": { "idle": "1h", "fin": "500ms" } } ],
          "pools": [ { "name": "p", "backends": [ { "address": "%s" } ] },
                     { "name": "holding", "backends": [ { "address": "%s" } ] } ] }
        """.formatted(Ports.free(), holdingPort, echo.address(), holding.address()));
  }

  @AfterAll
  static void stop() throws Exception {
    forwarder.close();
    echo.close();
    holding.close();
  }

  @Test
  void halfClosedConnection_withAQuietBackend_endsAfterTheFinTimeoutNotTheIdleOne() throws Exception {
    try (Socket socket = forwarder.connect(holdingPort)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("request".getBytes());
      socket.shutdownOutput();
      long finSent = System.nanoTime();

      assertThat(socket.getInputStream().read()).as("closed by the forwarder").isEqualTo(-1);

      assertThat(Duration.ofNanos(System.nanoTime() - finSent)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(5));
      Eventually.holds(Duration.ofSeconds(5), "backend connection closed too", () -> forwarder.activeConnections("holding") == 0);
    }
  }

  @Test
  void idleConnection_isClosedOnBothSides() throws Exception {
    try (Socket socket = forwarder.connect()) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write('x');
      InputStream in = socket.getInputStream();
      assertThat(in.read()).isEqualTo('x');
      long quietSince = System.nanoTime();

      assertThat(in.read()).as("end of stream from the forwarder").isEqualTo(-1);

      Duration quiet = Duration.ofNanos(System.nanoTime() - quietSince);
      assertThat(quiet).isBetween(Duration.ofMillis(400), Duration.ofSeconds(5));
      Eventually.holds(Duration.ofSeconds(5), "backend connection closed too", () -> forwarder.activeConnections("p") == 0);
    }
  }

  @Test
  void busyConnection_outlivesTheIdleTimeout() throws Exception {
    try (Socket socket = forwarder.connect()) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      int exchanged = 0;
      while (System.nanoTime() < until) {
        out.write('a' + exchanged % 26);
        assertThat(in.read()).isEqualTo('a' + exchanged % 26);
        exchanged++;
        Thread.sleep(150); // pacing: one byte each way every 150 ms, well inside the 500 ms idle timeout
      }
      assertThat(exchanged).isGreaterThan(8);
      assertThat(forwarder.activeConnections("p")).isEqualTo(1);
    }
  }
}
