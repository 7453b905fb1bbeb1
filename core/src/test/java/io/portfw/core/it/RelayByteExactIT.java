package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.Payloads;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder.Route;
import io.portfw.testing.RunningForwarder;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every byte sent through the forwarder arrives, in order, both ways. */
class RelayByteExactIT {

  private static EchoBackend echo;
  private static RunningForwarder forwarder;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoBackend();
    forwarder = RunningForwarder.startEach(new Route("echo", Ports.free(), echo.address()));
  }

  @AfterAll
  static void stop() throws Exception {
    forwarder.close();
    echo.close();
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1, 7, 1_000, 65_536, 1_048_583, 16 << 20, 64 << 20})
  void echo_randomPayload_arrivesByteExactBothWays(int size) throws Exception {
    try (Socket socket = forwarder.connect()) {
      CompletableFuture<Payloads.Received> reply = readInBackground(socket.getInputStream());
      String sent = Payloads.write(socket.getOutputStream(), size, size);
      socket.shutdownOutput();

      Payloads.Received received = reply.get(60, TimeUnit.SECONDS);
      assertThat(received.bytes()).isEqualTo(size);
      assertThat(received.sha256()).isEqualTo(sent);
    }
    Eventually.holds(Duration.ofSeconds(5), "no active connection left", () -> forwarder.activeConnections("echo") == 0);
  }

  @Test
  void fiveHundredConcurrentConnections_eachArriveByteExact() throws Exception {
    int connections = 500;
    int size = 16 * 1024; // fits the socket buffers, so all 500 can be written before any is read
    List<Socket> sockets = new ArrayList<>();
    List<String> sent = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        sockets.add(forwarder.connect());
      }
      for (int i = 0; i < connections; i++) {
        Socket s = sockets.get(i);
        byte[] payload = Payloads.bytes(1000 + i, size);
        s.getOutputStream().write(payload);
        s.shutdownOutput();
        sent.add(Payloads.sha256(payload));
      }
      Eventually.holds(Duration.ofSeconds(20), "all 500 connections open at the backend", () -> echo.accepted() >= connections);
      for (int i = 0; i < connections; i++) {
        Payloads.Received received = Payloads.readAll(sockets.get(i).getInputStream());
        assertThat(received.bytes()).as("connection %d length", i).isEqualTo(size);
        assertThat(received.sha256()).as("connection %d content", i).isEqualTo(sent.get(i));
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    Eventually.holds(Duration.ofSeconds(10), "no active connection left", () -> forwarder.activeConnections("echo") == 0);
  }

  static CompletableFuture<Payloads.Received> readInBackground(InputStream in) {
    CompletableFuture<Payloads.Received> result = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        result.complete(Payloads.readAll(in));
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    }, "test-reader");
    reader.setDaemon(true);
    reader.start();
    return result;
  }
}
