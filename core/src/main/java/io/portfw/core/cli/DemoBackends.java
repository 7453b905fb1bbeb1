package io.portfw.core.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Small HTTP servers on loopback that answer every request with their own name, so the demo
 * shows at once which backend served a connection. Independent of Vert.x on purpose: they
 * stand for the internal machines.
 */
final class DemoBackends implements AutoCloseable {

  private final List<HttpServer> servers = new ArrayList<>();

  /** Starts {@code count} backends on ephemeral loopback ports. */
  static DemoBackends start(int count) throws IOException {
    DemoBackends backends = new DemoBackends();
    try {
      for (int i = 1; i <= count; i++) {
        backends.servers.add(serve("demo-" + i));
      }
    } catch (IOException e) {
      backends.close();
      throw e;
    }
    return backends;
  }

  private static HttpServer serve(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    int port = server.getAddress().getPort();
    byte[] body = ("Hello from " + name + " (127.0.0.1:" + port + ")\n").getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.getResponseHeaders().set("X-Backend", name);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  List<Integer> ports() {
    return servers.stream().map(s -> s.getAddress().getPort()).toList();
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
  }
}
