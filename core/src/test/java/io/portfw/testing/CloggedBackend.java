package io.portfw.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A port whose accept queue is full and never drained: the kernel drops further SYNs, so a
 * connect neither succeeds nor is refused until it times out, as with a host that went silent.
 * {@link #acceptOne} drains it, and a waiting connect then completes.
 */
public final class CloggedBackend implements AutoCloseable {

  private final ServerSocket server;
  private final List<Socket> fillers = new ArrayList<>();

  public CloggedBackend() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 4; i++) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 200);
      } catch (SocketTimeoutException full) {
        // the queue is full: exactly what is wanted
      }
      fillers.add(s);
    }
    try (Socket probe = new Socket()) {
      probe.connect(server.getLocalSocketAddress(), 300);
      throw new IllegalStateException("the accept queue did not fill: a connect went through");
    } catch (SocketTimeoutException expected) {
      // clogged
    }
  }

  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /**
   * Accepts until a connection that is not one of the fillers arrives (a retried SYN finds
   * room once the queue drains), or {@code within} passes; returns it, or null.
   */
  public Socket acceptOne(Duration within) throws IOException {
    server.setSoTimeout(500);
    long until = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < until) {
      try {
        Socket s = server.accept();
        if (fillers.stream().anyMatch(f -> f.getLocalPort() == s.getPort())) {
          s.close();
        } else {
          return s;
        }
      } catch (SocketTimeoutException none) {
        // keep waiting for the retried SYN
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    server.close();
  }
}
