package io.portfw.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A plain JDK HTTP client for a portfw admin endpoint, with or without its token. */
public final class AdminHttp {

  /** One answer: status and body. */
  public record Answer(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final String base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public AdminHttp(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public AdminHttp(String base) {
    this(base, null);
  }

  public Answer get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Answer post(String path) throws IOException, InterruptedException {
    return post(path, "");
  }

  public Answer post(String path, String body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Answer send(String method, String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()));
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  /** How many clients wait in the pool's line now ({@code queue.length} of {@code GET /api/v1/pools}). */
  public int queueLength(String pool) {
    try {
      JsonArray pools = get("/api/v1/pools").json().getJsonArray("pools");
      for (int i = 0; i < pools.size(); i++) {
        if (pools.getJsonObject(i).getString("name").equals(pool)) {
          return pools.getJsonObject(i).getJsonObject("queue").getInteger("length");
        }
      }
      throw new AssertionError("no pool " + pool);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The sum of every sample of a Prometheus metric whose labels include all of {@code labels} (e.g. {@code listener="l"}). */
  public static double metric(String scrape, String name, String... labels) {
    double sum = 0;
    boolean found = false;
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(scrape);
    while (m.find()) {
      String set = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String label : labels) {
        all &= set.contains(label);
      }
      if (all) {
        sum += Double.parseDouble(m.group(2));
        found = true;
      }
    }
    if (!found) {
      throw new AssertionError("no sample of " + name + " with " + String.join(",", labels) + " in:\n" + scrape);
    }
    return sum;
  }
}
