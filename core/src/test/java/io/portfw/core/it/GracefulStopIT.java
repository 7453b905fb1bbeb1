package io.portfw.core.it;

import static io.portfw.testing.Clients.accepts;
import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * A UDP listener on SIGTERM: a new client gets nothing at once, a live session still gets the
   * reply that was in flight, and the process exits once that session is done (here: its one reply).
   */
  @Test
  void sigterm_udp_newClientsGetNothing_butRepliesInFlightArrive() throws Exception {
    int port = Ports.free();
    int tcpPort = Ports.free();
    try (DatagramSocket backend = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      AtomicInteger received = new AtomicInteger();
      Thread slow = new Thread(() -> { // answers each datagram 1.5 s late: the reply is in flight at the SIGTERM
        byte[] buffer = new byte[512];
        while (!backend.isClosed()) {
          try {
            DatagramPacket query = new DatagramPacket(buffer, buffer.length);
            backend.receive(query);
            received.incrementAndGet();
            Thread.sleep(1500);
            byte[] answer = ("re:" + new String(query.getData(), 0, query.getLength(), StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
            backend.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
          } catch (IOException | InterruptedException e) {
            return;
          }
        }
      }, "slow-udp-backend");
      slow.setDaemon(true);
      slow.start();
      Path file = Files.writeString(dir.resolve("udp.json"), """
          { "admin": { "listen": "127.0.0.1:%d" },
            "listeners": [ { "name": "dns", "protocol": "udp", "listen": "127.0.0.1:%d", "pool": "dns",
                             "responses": 1, "timeouts": { "drain": "20s" } },
                           { "name": "probe", "listen": "127.0.0.1:%d", "pool": "dns" } ],
            "pools": [ { "name": "dns", "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
          """.formatted(Ports.free(), port, tcpPort, backend.getLocalPort()));
      try (PortfwProcess portfw = PortfwProcess.start("run", "--config", file.toString()).awaitListening(tcpPort);
           DatagramSocket live = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
           DatagramSocket late = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        live.setSoTimeout(10_000);
        late.setSoTimeout(2_000);
        InetSocketAddress listener = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        live.send(new DatagramPacket("q1".getBytes(StandardCharsets.US_ASCII), 2, listener));
        Eventually.holds(Duration.ofSeconds(10), "the backend has the live session's query", () -> received.get() == 1);
        long signalled = System.nanoTime();

        portfw.terminate();

        // The signal is handled (the listener is stopping), however loaded the machine: not a fixed pause.
        Eventually.holds(Duration.ofSeconds(10), "the stop is under way", () -> portfw.stderr().contains("stopped accepting"));
        Thread.sleep(100); // from that line to the listener's own stop is a step on an event loop
        late.send(new DatagramPacket("q2".getBytes(StandardCharsets.US_ASCII), 2, listener));
        DatagramPacket reply = new DatagramPacket(new byte[100], 100);
        live.receive(reply);
        assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII)).isEqualTo("re:q1");
        assertThatThrownBy(() -> late.receive(new DatagramPacket(new byte[100], 100)))
            .as("a new client gets no session while stopping").isInstanceOf(SocketTimeoutException.class);
        assertThat(received.get()).as("nothing of the new client reached the backend").isEqualTo(1);
        assertThat(portfw.waitFor(Duration.ofSeconds(15))).as("exits once the live session is done").isTrue();
        assertThat(portfw.exitCode()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - signalled)).as("well before the 20 s drain timeout")
            .isLessThan(Duration.ofSeconds(10));
      }
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
