package io.portfw.health;

import io.portfw.config.Hosts;
import io.portfw.config.ProbeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Healthy when {@code GET path} answers with an expected status and, when asked, a body that
 * contains the expected text. Each check is a new connection (the client keeps none alive),
 * so a backend that stopped accepting is seen at once.
 */
final class HttpProbe implements Probe {

  /** The body is searched this far and no further: a health page is small. */
  static final int BODY_LIMIT = 64 * 1024;

  private final Vertx vertx;
  private final HttpClient client;
  private final ProbeConfig.Http config;
  private final int timeoutMillis;

  private final Optional<ProbeTls> tls;

  HttpProbe(Vertx vertx, HttpClient client, ProbeConfig.Http config, int timeoutMillis, Optional<ProbeTls> tls) {
    this.tls = tls;
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Future<String> check(String host, int port) {
    return check(host, host, port);
  }

  @Override
  public Future<String> check(String address, String host, int port) {
    Attempt attempt = new Attempt(vertx, timeoutMillis, () -> " waiting for the answer to GET " + config.path());
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setServer(SocketAddress.inetSocketAddress(port, address))
        // Over TLS the host is also the name sent (SNI) and checked against the certificate.
        .setHost(tls.map(t -> t.nameFor(host)).orElse(host))
        .setPort(port)
        .setURI(config.path())
        .setConnectTimeout(timeoutMillis)
        .putHeader("User-Agent", "portfw-health-check")
        .putHeader("Connection", "close")
        .putHeader("Host", config.host().orElse(Hosts.hostPort(host, port)));
    tls.ifPresent(t -> request.setSsl(true).setSslOptions(t.options()));
    client.request(request).onComplete(opened -> {
      if (opened.failed()) {
        attempt.fail(opened.cause());
        return;
      }
      HttpClientRequest req = opened.result();
      if (attempt.isDone()) { // the deadline passed while connecting
        req.reset();
        return;
      }
      attempt.onEnd(() -> req.reset());
      req.send().onComplete(sent -> {
        if (sent.failed()) {
          attempt.fail(sent.cause());
        } else {
          judge(sent.result(), attempt);
        }
      });
    });
    return attempt.future();
  }

  private void judge(HttpClientResponse response, Attempt attempt) {
    response.exceptionHandler(attempt::fail); // after the end, e.g. the reset that ends a failed check, a no-op
    int status = response.statusCode();
    if (!config.expectStatus().matches(status)) {
      attempt.fail("HTTP " + status + " (expected " + config.expectStatus() + ")");
      return;
    }
    String passed = "HTTP " + status;
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (attempt.isDone()) {
        return;
      }
      body.appendBuffer(chunk.length() <= BODY_LIMIT - body.length() ? chunk : chunk.slice(0, BODY_LIMIT - body.length()));
      if (config.expectBody().isPresent() && contains(body, config.expectBody().get())) {
        attempt.pass(passed);
      } else if (body.length() >= BODY_LIMIT) {
        bodyEnded(body, passed, attempt);
      }
    });
    response.endHandler(end -> bodyEnded(body, passed, attempt));
  }

  private void bodyEnded(Buffer body, String passed, Attempt attempt) {
    if (config.expectBody().isEmpty() || contains(body, config.expectBody().get())) {
      attempt.pass(passed);
    } else {
      attempt.fail(passed + " but the body does not contain \"" + config.expectBody().get() + "\"");
    }
  }

  private static boolean contains(Buffer body, String text) {
    return body.toString(StandardCharsets.UTF_8).contains(text);
  }
}
