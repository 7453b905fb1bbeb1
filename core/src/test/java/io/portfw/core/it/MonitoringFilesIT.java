package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.Clients;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.Prometheus;
import io.portfw.testing.Promtool;
import io.portfw.testing.TestCa;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana-dashboard.json and docs/prometheus-alerts.yml against the real thing: the packaged
 * portfw runs with traffic, a TLS listener, a dead backend and a pool left without one; a real
 * Prometheus scrapes it every second; every panel's expression and every alert's expression is
 * evaluated there with promtool, so a metric name that portfw does not export fails with the
 * panel or alert that asks for it.
 */
class MonitoringFilesIT {

  private static final Path DOCS = Path.of("..", "docs").toAbsolutePath().normalize();
  private static final String JOB = "portfw";
  /** A metric in an expression: a name followed by its label selector (functions are followed by "("). */
  private static final Pattern SELECTOR = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
  /** Metric names of portfw and of the JVM and process meters: every one must come with a selector. */
  private static final Pattern METRIC = Pattern.compile("\\b(portfw|jvm|process|system|netty)_[a-z0-9_]+\\b");

  private static Path dir;
  private static EchoBackend live;
  private static PortfwProcess portfw;
  private static Prometheus prometheus;
  private static int admin;
  private static int deadPort;

  @BeforeAll
  static void portfwScrapedByPrometheus() throws Exception {
    Promtool.requireInstalled();
    dir = Files.createTempDirectory("monitoring");
    TestCa ca = new TestCa(dir);
    TestCa.Issued www = ca.server("www", "ec", 30, "localhost");
    live = new EchoBackend();
    admin = Ports.free();
    deadPort = Ports.free();
    int web = Ports.free();
    int secure = Ports.free();
    int orphan = Ports.free();
    Path config = dir.resolve("portfw.json");
    Files.writeString(config, """
        { "admin": { "listen": "127.0.0.1:%d" },
          "listeners": [
            { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" },
            { "name": "secure", "listen": "127.0.0.1:%d", "pool": "web",
              "tls": { "certificates": [ { "cert": "%s", "key": "%s" } ] } },
            { "name": "orphan", "listen": "127.0.0.1:%d", "pool": "gone" } ],
          "pools": [
            { "name": "web", "health": { "type": "tcp", "interval": "200ms", "timeout": "500ms", "rise": 1, "fall": 1 },
              "backends": [ { "address": "%s" }, { "address": "127.0.0.1:%d" } ] },
            { "name": "gone", "health": { "type": "tcp", "interval": "200ms", "timeout": "500ms", "rise": 1, "fall": 1 },
              "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
        """.formatted(admin, web, secure, www.chain(), www.key(), orphan, live.address(), deadPort, deadPort));
    portfw = PortfwProcess.start("run", "--config", config.toString()).awaitListening(web);
    AdminHttp http = new AdminHttp("http://127.0.0.1:" + admin);
    Eventually.holds(Duration.ofSeconds(10), "the dead backend found down in both pools", () -> {
      try {
        String scrape = http.get("/metrics").body();
        return scrape.contains("portfw_backend_up{backend=\"127.0.0.1:" + deadPort + "\",pool=\"gone\"} 0")
            && scrape.contains("portfw_backend_up{backend=\"127.0.0.1:" + deadPort + "\",pool=\"web\"} 0");
      } catch (IOException | InterruptedException e) {
        return false;
      }
    });
    collectGarbage(portfw.pid()); // the GC pause meters appear with the first collection

    prometheus = Prometheus.scraping(JOB, "127.0.0.1:" + admin);
    for (int round = 0; round < 2; round++) { // traffic between scrapes, so rates have something to show
      for (int i = 0; i < 10; i++) {
        try (Socket s = Clients.connect(web)) {
          assertThat(Clients.echo(s, "hello " + i)).isEqualTo("hello " + i);
        }
        assertThat(refused(orphan)).as("refused: pool gone has no backend").isTrue();
      }
      prometheus.awaitScrapes(2 * (round + 1));
    }
    prometheus.awaitScrapes(5);
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (portfw != null) {
      portfw.close();
    }
    if (live != null) {
      live.close();
    }
  }

  @Test
  void scrape_isValidForPromtool_andPortfwsOwnMetersPassItsLint() throws Exception {
    String scrape = new AdminHttp("http://127.0.0.1:" + admin).get("/metrics").body();
    Promtool.Run check = Promtool.withInput(dir, scrape, "check", "metrics");
    // 0: clean, 3: lint findings; anything else is a scrape Prometheus could not read.
    assertThat(check.exitCode()).as(check.output()).isIn(0, 3);
    assertThat(check.output().lines().filter(l -> l.contains("portfw_")).toList())
        .as("lint findings on portfw's own meters").isEmpty();
  }

  @Test
  void everyDashboardExpression_isFilteredByJobAndInstance_andReturnsSeries() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DOCS.resolve("grafana-dashboard.json")));
    Map<String, String> values = Map.of("$job", JOB, "$instance", "127.0.0.1:" + admin, "$pool", "(web|gone)",
        "$__rate_interval", "1m");
    List<String> failures = new ArrayList<>();
    int evaluated = 0;

    JsonArray variables = dashboard.getJsonObject("templating").getJsonArray("list");
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < variables.size(); i++) {
      names.add(variables.getJsonObject(i).getString("name"));
    }
    assertThat(names).contains("job", "instance", "pool");
    for (int i = 0; i < variables.size(); i++) {
      JsonObject variable = variables.getJsonObject(i);
      Matcher labelValues = Pattern.compile("label_values\\((.+), *(\\w+)\\)").matcher(variable.getString("query"));
      if (!"query".equals(variable.getString("type"))) {
        continue;
      }
      String where = "variable " + variable.getString("name");
      if (!labelValues.matches()) {
        failures.add(where + ": not label_values(SELECTOR, LABEL): " + variable.getString("query"));
        continue;
      }
      evaluated++;
      String label = labelValues.group(2);
      evaluate(where, labelValues.group(1), values, failures, series -> series.getJsonObject("metric").containsKey(label)
          ? null : "has no label " + label);
    }

    JsonArray panels = dashboard.getJsonArray("panels");
    Set<String> metrics = new LinkedHashSet<>();
    for (int i = 0; i < panels.size(); i++) {
      JsonObject panel = panels.getJsonObject(i);
      JsonArray targets = panel.getJsonArray("targets", new JsonArray());
      for (int t = 0; t < targets.size(); t++) {
        String expr = targets.getJsonObject(t).getString("expr");
        String where = "panel \"" + panel.getString("title") + "\"";
        evaluated++;
        unfiltered(expr).forEach(m -> failures.add(where + ": " + m + " not filtered by job and instance in " + expr));
        Matcher named = METRIC.matcher(expr);
        while (named.find()) {
          metrics.add(named.group());
        }
        evaluate(where, expr, values, failures, series -> null);
      }
    }
    assertThat(failures).as("panels and variables that fail against a real scrape").isEmpty();
    assertThat(evaluated).isGreaterThanOrEqualTo(25);
    assertThat(metrics).contains("jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum", "jvm_threads_live_threads",
        "process_files_open_files", "process_files_max_files", "process_cpu_usage",
        "portfw_listener_tls_certificate_expiry");
  }

  @Test
  void everyAlertExpression_evaluates_itsMetricsAreScraped_andTheBrokenBackendAndPoolShow() throws Exception {
    List<String> failures = new ArrayList<>();
    Map<String, String> exprs = new java.util.LinkedHashMap<>();
    for (JsonNode group : new ObjectMapper(new YAMLFactory()).readTree(DOCS.resolve("prometheus-alerts.yml").toFile())
        .get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        exprs.put(rule.get("alert").asText(), rule.get("expr").asText());
      }
    }
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(8);
    for (Map.Entry<String, String> alert : exprs.entrySet()) {
      String where = "alert " + alert.getKey();
      Matcher metric = METRIC.matcher(alert.getValue());
      Set<String> names = new LinkedHashSet<>();
      while (metric.find()) {
        names.add(metric.group());
      }
      Matcher selector = SELECTOR.matcher(alert.getValue());
      while (selector.find()) {
        names.add(selector.group(1));
      }
      assertThat(names).as(where + " names metrics").isNotEmpty();
      for (String name : names) {
        evaluate(where + " (metric " + name + ")", name, Map.of(), failures, series -> null);
      }
      try {
        prometheus.query(alert.getValue());
      } catch (IllegalArgumentException e) {
        failures.add(where + ": " + alert.getValue() + ": " + e.getMessage());
      }
    }
    assertThat(failures).as("alerts that fail against a real scrape").isEmpty();

    // What this portfw has wrong shows up in the alerts' expressions (their `for` aside).
    JsonArray down = prometheus.query(exprs.get("PortfwBackendDown"));
    assertThat(labels(down, "backend")).containsOnly("127.0.0.1:" + deadPort);
    assertThat(labels(down, "pool")).containsExactlyInAnyOrder("web", "gone");
    assertThat(labels(prometheus.query(exprs.get("PortfwPoolWithoutBackend")), "pool")).containsExactly("gone");
    assertThat(prometheus.query(exprs.get("PortfwNotScraped"))).as("portfw is scraped").isEmpty();
    assertThat(prometheus.query(exprs.get("PortfwDown"))).as("portfw is up").isEmpty();
    assertThat(prometheus.query(exprs.get("PortfwCertificateExpiresSoon"))).as("30 days left").isEmpty();
    assertThat(prometheus.query("portfw_listener_tls_certificate_expiry - time() > 29 * 86400")).hasSize(1);
  }

  /** Evaluates {@code expr} with the variables replaced; records a failure for an error, no series or a bad one. */
  private static void evaluate(String where, String expr, Map<String, String> values, List<String> failures,
      java.util.function.Function<JsonObject, String> judge) throws IOException, InterruptedException {
    String concrete = expr;
    for (Map.Entry<String, String> v : values.entrySet()) {
      concrete = concrete.replace(v.getKey(), v.getValue());
    }
    if (concrete.contains("$")) {
      failures.add(where + ": a variable the test does not know in " + expr);
      return;
    }
    JsonArray series;
    try {
      series = prometheus.query(concrete);
    } catch (IllegalArgumentException e) {
      failures.add(where + ": " + expr + ": " + e.getMessage());
      return;
    }
    if (series.isEmpty()) {
      failures.add(where + ": no series for " + expr);
      return;
    }
    for (int i = 0; i < series.size(); i++) {
      String wrong = judge.apply(series.getJsonObject(i));
      if (wrong != null) {
        failures.add(where + ": " + expr + " " + wrong);
        return;
      }
    }
  }

  /** The metrics of {@code expr} whose selector lacks the job or the instance filter. */
  private static List<String> unfiltered(String expr) {
    List<String> missing = new ArrayList<>();
    Matcher metric = METRIC.matcher(expr);
    while (metric.find()) {
      int end = metric.end();
      String rest = expr.substring(end);
      boolean filtered = rest.startsWith("{") && rest.substring(0, rest.indexOf('}') + 1).contains("job=~\"$job\"")
          && rest.substring(0, rest.indexOf('}') + 1).contains("instance=~\"$instance\"");
      if (!filtered) {
        missing.add(metric.group());
      }
    }
    return missing;
  }

  /** Whether a client is turned away: reset during its connect (the refusal can be that quick), or soon after. */
  private static boolean refused(int port) throws IOException {
    try (Socket s = Clients.connect(port)) {
      return Clients.endsWithin(s, 2000);
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  private static List<String> labels(JsonArray series, String label) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      values.add(series.getJsonObject(i).getJsonObject("metric").getString(label));
    }
    return values;
  }

  /** {@code jcmd PID GC.run}: a collection in portfw, as any collection would come. */
  private static void collectGarbage(long pid) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid), "GC.run").redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes());
    assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).as("jcmd ended").isTrue();
    assertThat(jcmd.exitValue()).as(output).isZero();
  }
}
