package io.portfw.core.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** The command line's side of the admin API: one request, one JSON answer or a clear error. */
final class AdminClient {

  /** The admin API answered with an error, or could not be reached. */
  static final class AdminException extends Exception {
    AdminException(String message) {
      super(message, null, false, false);
    }
  }

  private final URI base;
  private final Optional<String> token;
  private final HttpClient http;

  /** {@code trust}: for https, the TLS context that trusts the admin endpoint's certificate (the system's by default). */
  AdminClient(URI base, Optional<String> token, Optional<SSLContext> trust) {
    this.base = base;  // paths are absolute (/api/v1/...): a base with a path of its own is not supported
    this.token = token;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    trust.ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  AdminClient(URI base, Optional<String> token) {
    this(base, token, Optional.empty());
  }

  JsonObject get(String path) throws AdminException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  JsonObject post(String path) throws AdminException {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  JsonObject post(String path, JsonObject body) throws AdminException {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  JsonObject delete(String path) throws AdminException {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
  }

  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonObject send(HttpRequest.Builder request) throws AdminException {
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    HttpResponse<String> response;
    try {
      response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AdminException("cannot reach the admin API at " + base + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + " (is portfw running? see --admin)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException("interrupted");
    }
    JsonObject body;
    try {
      body = new JsonObject(response.body());
    } catch (RuntimeException e) {
      throw new AdminException(base + " answered HTTP " + response.statusCode() + " with something that is not JSON");
    }
    if (response.statusCode() >= 400 && !(response.statusCode() == 422 && body.containsKey("outcome"))) {
      throw new AdminException("HTTP " + response.statusCode() + ": " + body.getString("error", response.body()));
    }
    return body;
  }
}
