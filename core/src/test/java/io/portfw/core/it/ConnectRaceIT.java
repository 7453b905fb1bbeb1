package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client that leaves while its backend is still being connected leaves nothing behind. */
class ConnectRaceIT {

  @Test
  void clientLeavesWhileConnecting_thenTheConnectTimesOut_countsReturnToZero() throws Exception {
    try (CloggedBackend clogged = new CloggedBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), "800ms", clogged.address()))) {
      for (int i = 0; i < 5; i++) {
        forwarder.connect().close();
      }
      Eventually.holds(Duration.ofSeconds(2), "connects under way are counted", () -> forwarder.activeConnections("p") > 0);
      Eventually.holds(Duration.ofSeconds(10), "counts back to 0", () -> forwarder.activeConnections("p") == 0);
    }
  }

  @Test
  void clientLeavesWhileConnecting_thenTheConnectSucceeds_backendIsClosed() throws Exception {
    try (CloggedBackend clogged = new CloggedBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), "20s", clogged.address()))) {
      Socket client = forwarder.connect();
      client.getOutputStream().write("early".getBytes());
      client.setSoLinger(true, 0);
      client.close();
      Thread.sleep(200); // the forwarder has seen the client go while its connect still waits
      assertThat(forwarder.activeConnections("p")).isEqualTo(1);

      List<Socket> arrived = clogged.drain(); // the kernel now completes the queued connects
      try {
        Eventually.holds(Duration.ofSeconds(15), "the late backend connection is closed and uncounted",
            () -> forwarder.activeConnections("p") == 0);
        assertThat(arrived).isNotEmpty();
      } finally {
        for (Socket s : arrived) {
          s.close();
        }
      }
    }
  }

  private static String config(int port, String connectTimeout, String backend) {
    return """
        { "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p", "timeouts": { "connect": "%s" } } ],
          "pools": [ { "name": "p", "retries": 0, "backends": [ { "address": "%s" } ] } ] }
        """.formatted(port, connectTimeout, backend);
  }

  /** A backend whose accept queue is full, so connects wait until it is drained or they time out. */
  private static final class CloggedBackend implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    CloggedBackend() throws IOException {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      for (int i = 0; i < 4; i++) {
        Socket s = new Socket();
        try {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 200);
        } catch (SocketTimeoutException full) {
          // the queue is full
        }
        fillers.add(s);
      }
    }

    String address() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    /** Accepts for up to ten seconds, so retried SYNs find room; returns what arrived from the forwarder. */
    List<Socket> drain() throws IOException {
      List<Socket> accepted = new ArrayList<>();
      server.setSoTimeout(500);
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < until) {
        try {
          Socket s = server.accept();
          boolean filler = fillers.stream().anyMatch(f -> f.getLocalPort() == s.getPort());
          if (filler) {
            s.close();
          } else {
            accepted.add(s);
            return accepted;
          }
        } catch (SocketTimeoutException none) {
          // keep waiting for the retried SYN
        }
      }
      return accepted;
    }

    @Override
    public void close() throws IOException {
      for (Socket s : fillers) {
        s.close();
      }
      server.close();
    }
  }
}
