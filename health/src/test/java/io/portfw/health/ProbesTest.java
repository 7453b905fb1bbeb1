package io.portfw.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.ProbeConfig;
import io.portfw.config.StatusCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.NetClient;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each probe against real servers on loopback that answer well, badly, or not at all. */
class ProbesTest {

  private static final String HOST = "127.0.0.1";
  private static Vertx vertx;
  private static NetClient net;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    net = vertx.createNetClient();
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** "ok: detail" or "failed: reason". */
  private static String outcome(java.util.function.Supplier<Future<String>> check) throws Exception {
    // On a Vert.x context, as the health checks run: a probe set up from a foreign thread could miss a banner that
    // arrives before its handler is attached.
    var result = new java.util.concurrent.CompletableFuture<Future<String>>();
    vertx.getOrCreateContext().runOnContext(v -> result.complete(check.get()));
    try {
      return "ok: " + result.get(10, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ProbeFailure.class);
      return "failed: " + e.getCause().getMessage();
    }
  }

  private static HttpProbe httpProbe(String path, String expectBody, int timeoutMillis) {
    return new HttpProbe(vertx, http, new ProbeConfig.Http(path, Optional.of("app.example"), StatusCodes.DEFAULT,
        Optional.ofNullable(expectBody)), timeoutMillis, Optional.empty());
  }

  private static SendExpectProbe sendExpectProbe(String send, String expect, int timeoutMillis) {
    return new SendExpectProbe(vertx, net, new ProbeConfig.SendExpect(send, expect), timeoutMillis, Optional.empty());
  }

  @Test
  void tcp_passesWhileSomethingListens_failsWhenRefused() throws Exception {
    try (TestServers.Banner server = new TestServers.Banner(null, 0)) {
      assertThat(outcome(() -> new TcpProbe(vertx, net, 1000, Optional.empty()).check(HOST, server.port()))).isEqualTo("ok: connected");
    }
    assertThat(outcome(() -> new TcpProbe(vertx, net, 1000, Optional.empty()).check(HOST, TestServers.closedPort()))).isEqualTo("failed: connect refused");
  }

  @Test
  void http_judgesTheStatusThenTheBody() throws Exception {
    try (TestServers.Http server = new TestServers.Http()) {
      server.status.set(503);
      assertThat(outcome(() -> httpProbe("/health", null, 1000).check(HOST, server.port())))
          .isEqualTo("failed: HTTP 503 (expected 200-399)");
      server.status.set(200);
      assertThat(outcome(() -> httpProbe("/health", null, 1000).check(HOST, server.port()))).isEqualTo("ok: HTTP 200");
      assertThat(server.paths).contains("/health");
      assertThat(server.hosts).as("the configured Host header").contains("app.example");

      server.body.set("status: degraded");
      assertThat(outcome(() -> httpProbe("/health", "status: good", 1000).check(HOST, server.port())))
          .isEqualTo("failed: HTTP 200 but the body does not contain \"status: good\"");
      server.body.set("x".repeat(100_000) + "status: good");
      assertThat(outcome(() -> httpProbe("/health", "status: good", 1000).check(HOST, server.port())))
          .as("searched no further than the limit").startsWith("failed: HTTP 200 but the body");
      server.body.set("<html>status: good</html>");
      assertThat(outcome(() -> httpProbe("/health", "status: good", 1000).check(HOST, server.port()))).isEqualTo("ok: HTTP 200");
    }
  }

  @Test
  void http_defaultHostHeader_bracketsAnIpv6Backend() throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 0), 4);
    java.util.List<String> hosts = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.createContext("/", exchange -> {
      hosts.add(exchange.getRequestHeaders().getFirst("Host"));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    try {
      int port = server.getAddress().getPort();
      HttpProbe probe = new HttpProbe(vertx, http, new ProbeConfig.Http("/", Optional.empty(), StatusCodes.DEFAULT,
          Optional.empty()), 1000, Optional.empty());
      assertThat(outcome(() -> probe.check("::1", port))).isEqualTo("ok: HTTP 204");
      assertThat(hosts).containsExactly("[::1]:" + port);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void http_aServerThatAcceptsButNeverAnswers_timesOut() throws Exception {
    try (TestServers.Banner silent = new TestServers.Banner(null, 0)) {
      long start = System.nanoTime();
      assertThat(outcome(() -> httpProbe("/", null, 300).check(HOST, silent.port())))
          .isEqualTo("failed: timeout after 300ms waiting for the answer to GET /");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 5000L);
    }
  }

  @Test
  void sendExpect_matchesTheBannerAndSaysWhatItGotOtherwise() throws Exception {
    try (TestServers.Banner server = new TestServers.Banner("220 mail.example ESMTP\r\n", 0)) {
      assertThat(outcome(() -> sendExpectProbe("", "^220 ", 1000).check(HOST, server.port())))
          .isEqualTo("ok: matched \"220 \"");
      server.banner.set("421 too busy\r\n");
      assertThat(outcome(() -> sendExpectProbe("", "^220 ", 300).check(HOST, server.port())))
          .isEqualTo("failed: timeout after 300ms waiting for a reply matching /^220 /, got \"421 too busy\\r\\n\"");
    }
  }

  @Test
  void sendExpect_sendsFirstAndWaitsForTheAnswer() throws Exception {
    try (TestServers.Banner server = new TestServers.Banner("+PONG\r\n", 6)) {
      assertThat(outcome(() -> sendExpectProbe("PING\r\n", "PONG", 1000).check(HOST, server.port())))
          .isEqualTo("ok: matched \"PONG\"");
      assertThat(server.received).containsExactly("PING\r\n");
    }
  }

  @Test
  void sendExpect_aServerThatClosesWithoutAnswering_failsAtOnce() throws Exception {
    try (java.net.ServerSocket closer = new java.net.ServerSocket(0, 5, TestServers.LOOPBACK)) {
      Thread t = new Thread(() -> {
        try (java.net.Socket s = closer.accept()) {
          s.getOutputStream().write("Go away\r\n".getBytes());
        } catch (java.io.IOException ignored) {
          // the probe's side is what is checked
        }
      });
      t.start();
      assertThat(outcome(() -> sendExpectProbe("", "^SSH-", 5000).check(HOST, closer.getLocalPort())))
          .isEqualTo("failed: closed after \"Go away\\r\\n\", no match for /^SSH-/");
      t.join(5000);
    }
  }
}
