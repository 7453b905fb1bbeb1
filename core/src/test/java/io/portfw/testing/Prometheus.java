package io.portfw.testing;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) in the foreground on a loopback
 * port, scraping one target every second into a store in a temporary directory; stopped and its
 * directory removed on close. It is started by the test itself, never as a system service.
 */
public final class Prometheus extends ExternalDaemon {

  private static final Path BINARY = Path.of("/usr/bin/prometheus");
  private final Path dir;
  private final String url;
  private final String job;

  private Prometheus(Process process, Path dir, String url, String job) {
    super(process);
    this.dir = dir;
    this.url = url;
    this.job = job;
  }

  /** Scrapes {@code target} ({@code host:port}, path {@code /metrics}) as job {@code job}. */
  public static Prometheus scraping(String job, String target) throws IOException, InterruptedException {
    requireInstalled(BINARY, "prometheus");
    Path dir = Files.createTempDirectory("prometheus");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
        scrape_configs:
          - job_name: %s
            static_configs: [ { targets: ["%s"] } ]
        """.formatted(job, target));
    int port = Ports.free();
    Process process = launch(List.of(BINARY.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"), "--storage.tsdb.retention.time=1h",
        "--web.listen-address=127.0.0.1:" + port), dir.resolve("prometheus.log"));
    Prometheus server = new Prometheus(process, dir, "http://127.0.0.1:" + port, job);
    try {
      server.awaitReady();
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The server's address, for {@code promtool query}. */
  public String url() {
    return url;
  }

  /** The series {@code expr} evaluates to now; fails with Prometheus' message on a bad expression. */
  public JsonArray query(String expr) throws IOException, InterruptedException {
    return Promtool.query(url, expr);
  }

  /** Waits until the target has been scraped successfully {@code count} times. */
  public void awaitScrapes(int count) {
    Eventually.holds(Duration.ofSeconds(30), () -> count + " scrapes of job " + job + "; log: " + log(), () -> {
      try {
        JsonArray up = query("sum_over_time(up{job=\"" + job + "\"}[5m])");
        return !up.isEmpty() && Double.parseDouble(up.getJsonObject(0).getJsonArray("value").getString(1)) >= count;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Eventually.holds(Duration.ofSeconds(30), () -> "prometheus ready at " + url + "; log: " + log(), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("prometheus exited with " + process.exitValue() + ": " + log());
      }
      try {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).timeout(Duration.ofSeconds(1)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException notYet) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    super.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
