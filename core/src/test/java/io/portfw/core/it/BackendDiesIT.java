package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portfw.testing.BlockingBackend;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.OpenFiles;
import io.portfw.testing.Payloads;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder.Route;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.StreamingBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A backend that dies mid-transfer: the client learns it at once, and nothing leaks. */
class BackendDiesIT {

  private static final int STREAM = 4 << 20;
  private static final int DIES_AFTER = 256 << 10;

  private static StreamingBackend dying;
  private static EchoBackend echo;
  private static RunningForwarder forwarder;
  private static int dyingPort;
  private static int echoPort;

  @BeforeAll
  static void start() throws Exception {
    dying = new StreamingBackend(STREAM, DIES_AFTER);
    echo = new EchoBackend();
    dyingPort = Ports.free();
    echoPort = Ports.free();
    forwarder = RunningForwarder.startEach(new Route("dying", dyingPort, dying.address()),
        new Route("echo", echoPort, echo.address()));
  }

  @AfterAll
  static void stop() throws Exception {
    forwarder.close();
    dying.close();
    echo.close();
  }

  @Test
  void backendResetMidTransfer_clientSeesAResetNotACleanEnd() throws Exception {
    for (int i = 0; i < 30; i++) {
      Socket connected;
      try {
        connected = forwarder.connect(dyingPort);
      } catch (SocketException resetBeforeConnectReturned) {
        continue; // the backend died during the connect: the client's reset came even sooner, which is right too
      }
      try (Socket socket = connected) {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        long[] read = {0};
        long started = System.nanoTime();

        assertThatThrownBy(() -> {
          byte[] buffer = new byte[65536];
          for (int n; (n = in.read(buffer)) >= 0; ) {
            read[0] += n;
          }
        }).as("connection %d: a truncated stream must not end like a complete one (read %d bytes)", i, read[0])
            .isInstanceOf(SocketException.class);

        assertThat(read[0]).isLessThan(STREAM);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      }
    }
    Eventually.holds(Duration.ofSeconds(5), "no active connection left", () -> forwarder.activeConnections("dying") == 0);
  }

  @Test
  void clientResetMidTransfer_backendSeesAResetNotACleanEnd() throws Exception {
    BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
    try (BlockingBackend reader = new BlockingBackend() {
          @Override
          protected void serve(Socket socket) {
            try {
              socket.getInputStream().transferTo(OutputStream.nullOutputStream());
              outcomes.add("clean end");
            } catch (IOException e) {
              outcomes.add("reset: " + e.getMessage());
            }
          }
        };
        RunningForwarder resetting = RunningForwarder.startEach(new Route("upload", Ports.free(), reader.address()))) {
      for (int i = 0; i < 20; i++) {
        // Half of them reset before the backend is even connected, half in the middle of the stream.
        try (Socket client = resetting.connect()) {
          client.getOutputStream().write(Payloads.bytes(i, 256 << 10));
          if (i % 2 == 1) {
            int connection = i;
            Eventually.holds(Duration.ofSeconds(5), "connection " + i + " reached the backend",
                () -> reader.accepted() > connection);
          }
          client.setSoLinger(true, 0);
        } // the close sends RST, as a crashed client's kernel does
        assertThat(outcomes.poll(10, TimeUnit.SECONDS)).as("connection %d", i).startsWith("reset");
      }
    }
  }

  @Test
  void thousandConnections_returnDescriptorsToBaseline() throws Exception {
    churn(40); // let lazily opened descriptors (class files, epoll sets) settle first
    Eventually.holds(Duration.ofSeconds(10), "warm-up connections closed",
        () -> forwarder.activeConnections("dying") + forwarder.activeConnections("echo") == 0);
    int baseline = OpenFiles.count();

    churn(1_000);

    Eventually.holds(Duration.ofSeconds(20),
        () -> "open descriptors " + OpenFiles.count() + " back to the baseline of " + baseline + ", active counts "
            + forwarder.activeConnections("dying") + "+" + forwarder.activeConnections("echo") + " back to 0",
        () -> OpenFiles.count() <= baseline + 2
            && forwarder.activeConnections("dying") == 0 && forwarder.activeConnections("echo") == 0);
  }

  /**
   * {@code n} connections in batches of 50 at once: a third die mid-transfer, a third are
   * half-closed echoes, a third are abandoned by their client before the reply.
   */
  private static void churn(int n) throws IOException {
    for (int start = 0; start < n; start += 50) {
      List<Socket> batch = new ArrayList<>();
      List<Boolean> abandoned = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + 50); i++) {
        Socket s;
        try {
          s = forwarder.connect(i % 3 == 0 ? dyingPort : echoPort);
        } catch (SocketException resetBeforeConnectReturned) {
          if (i % 3 == 0) {
            continue; // the dying backend went before the connect completed: the client was reset at once
          }
          throw resetBeforeConnectReturned;
        }
        s.setSoTimeout(10_000);
        batch.add(s);
        abandoned.add(i % 3 == 2);
        if (i % 3 != 0) {
          s.getOutputStream().write(Payloads.bytes(i, 512));
          if (i % 3 == 1) {
            s.shutdownOutput();
          }
        }
      }
      for (int i = 0; i < batch.size(); i++) {
        try (Socket s = batch.get(i)) {
          if (!abandoned.get(i)) {
            drain(s.getInputStream());
          }
        }
      }
    }
  }

  private static void drain(InputStream in) {
    try {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException reset) {
      // the dying backend's reset reached the client: expected
    }
  }
}
