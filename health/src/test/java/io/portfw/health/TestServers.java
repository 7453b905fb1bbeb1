package io.portfw.health;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Real servers on loopback that a test can make answer well or badly. */
final class TestServers {

  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private TestServers() {}

  /** A port where nothing listens: bound once, then closed. */
  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An HTTP server whose status and body for every path can be changed while it runs. */
  static final class Http implements AutoCloseable {
    final AtomicInteger status = new AtomicInteger(200);
    final AtomicReference<String> body = new AtomicReference<>("ok");
    final List<String> hosts = new CopyOnWriteArrayList<>();
    final List<String> paths = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    Http() throws IOException {
      server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 16);
      server.createContext("/", exchange -> {
        hosts.add(exchange.getRequestHeaders().getFirst("Host"));
        paths.add(exchange.getRequestURI().getPath());
        byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status.get(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /**
   * A TCP server that greets every connection with a banner (or nothing, when the banner is
   * null: it accepts and stays silent), after reading what the client sends first when
   * {@code readFirst} bytes are expected.
   */
  static final class Banner implements AutoCloseable {
    final AtomicReference<String> banner;
    final AtomicInteger accepted = new AtomicInteger();
    final List<String> received = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final int readFirst;

    Banner(String banner, int readFirst) throws IOException {
      this(banner, readFirst, 0);
    }

    /** On a given port: a server restarted where it was. */
    Banner(String banner, int readFirst, int port) throws IOException {
      this.banner = new AtomicReference<>(banner);
      this.readFirst = readFirst;
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(LOOPBACK, port), 50);
      Thread acceptor = new Thread(this::serve, "banner-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.incrementAndGet();
          open.add(s);
          if (readFirst > 0) {
            InputStream in = s.getInputStream();
            received.add(new String(in.readNBytes(readFirst), StandardCharsets.UTF_8));
          }
          String text = banner.get();
          if (text != null) {
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
          }
        } catch (IOException e) {
          // closed, or the client left early: the next accept tells
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
