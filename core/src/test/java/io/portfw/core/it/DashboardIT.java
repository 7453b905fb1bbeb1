package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.HeadlessChromium;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: headless Chromium loads the page from a running portfw, its
 * script asks the API, and the rendered rows show the backends and their states; after known
 * traffic its charts hold that traffic, the connections table filters, and its drain button
 * drains. Screenshots are kept in {@code core/target/dashboard.png} and
 * {@code core/target/dashboard-charts.png}.
 */
class DashboardIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path ARTEFACTS = Path.of("target");

  private static final String TOKEN = "dashboard-test-token";
  private static final int CONNECTIONS = 30;
  private static final int HELD = 3;
  private static final int BYTES = 2000;

  private static void requireChromium() {
    boolean required = System.getenv("PORTFW_REQUIRE_TOOLS") != null;
    if (required) {
      assertThat(CHROMIUM).as("CI needs Debian's chromium (apt-get install chromium)").exists();
    } else {
      assumeTrue(Files.isExecutable(CHROMIUM), "no /usr/bin/chromium: install Debian's chromium to run this test");
    }
  }

  @Test
  void backendRowsAndStates_appearInTheBrowser() throws Exception {
    requireChromium();
    try (EchoBackend a = new EchoBackend();
         EchoBackend b = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" } ],
               "pools": [ { "name": "web", "backends": [ { "address": "%s" }, { "address": "%s", "weight": 3 } ] } ] }
             """.formatted(Ports.free(), a.address(), b.address()))) {
      AdminHttp admin = new AdminHttp(forwarder.adminUrl());
      assertThat(admin.post("/api/v1/pools/web/backends/" + b.address() + "/drain").status()).isEqualTo(200);
      assertThat(admin.post("/api/v1/pools/web/backends/" + a.address() + "/weight", "{\"weight\": 3}").status())
          .isEqualTo(200);

      String dom = chromium(forwarder.adminUrl() + "/", "--dump-dom");
      assertThat(dom).as("a runtime change is marked").contains("data-pool=\"web\" data-backend=\"" + a.address()
          + "\" data-state=\"up\" data-runtime=\"weight 1 -");
      assertThat(dom).contains("data-pool=\"web\" data-backend=\"" + b.address() + "\" data-state=\"draining\"");
      assertThat(dom).contains("data-listener=\"web\"");
      assertThat(dom).as("no error shown").contains("<div id=\"error\"></div>");

      Files.createDirectories(ARTEFACTS);
      Path shot = ARTEFACTS.resolve("dashboard.png").toAbsolutePath();
      Files.deleteIfExists(shot);
      chromium(forwarder.adminUrl() + "/", "--screenshot=" + shot, "--window-size=1280,720");
      assertThat(shot).exists();
      assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
  }

  /**
   * With a token: the page asks for it, then shows charts holding the traffic sent (30 connections
   * of 2000 bytes each way, 3 of them held open), each backend's check results, the live
   * connections filtered by a backend's address; a click on drain drains that backend.
   */
  @Test
  void chartsShowTheTraffic_filterNarrowsConnections_drainButtonDrains() throws Exception {
    requireChromium();
    int port = Ports.free();
    int adminPort = Ports.free();
    try (EchoBackend a = new EchoBackend();
         EchoBackend b = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start("""
             { "admin": { "listen": "127.0.0.1:%d", "token": "%s" },
               "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" } ],
               "pools": [ { "name": "web", "backends": [ { "address": "%s" }, { "address": "%s" } ],
                            "health": { "type": "tcp", "interval": "300ms", "timeout": "1s" } } ] }
             """.formatted(adminPort, TOKEN, port, a.address(), b.address()));
         HeadlessChromium browser = HeadlessChromium.start(1280, 900)) {
      AdminHttp admin = new AdminHttp(forwarder.adminUrl(), TOKEN);
      byte[] payload = new byte[BYTES];
      for (int i = 0; i < CONNECTIONS - HELD; i++) {
        if (i % 9 == 0) { // three batches, a sample apart, so the curves have a shape
          int samples = history(admin).getJsonArray("times").size();
          Eventually.holds(Duration.ofSeconds(15), "a new sample", () -> history(admin).getJsonArray("times").size() > samples);
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
          s.setSoTimeout(5000);
          s.getOutputStream().write(payload);
          s.shutdownOutput();
          assertThat(s.getInputStream().readAllBytes()).hasSize(BYTES);
        }
      }
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < HELD; i++) {
          Socket s = new Socket("127.0.0.1", port);
          s.setSoTimeout(5000);
          s.getOutputStream().write(payload);
          assertThat(s.getInputStream().readNBytes(BYTES)).hasSize(BYTES);
          held.add(s);
        }
        // The sampler runs every second here (5 s in production): soon the history has taken in every connection.
        Eventually.holds(Duration.ofSeconds(15), "the history counts " + CONNECTIONS + " connections",
            () -> Math.round(sum(history(admin), "connections")) == CONNECTIONS);
        JsonObject history = history(admin);
        assertThat(sum(history, "bytesIn")).as("bytes from clients").isCloseTo(CONNECTIONS * BYTES, within(1.0));

        browser.open(forwarder.adminUrl() + "/");
        browser.awaitTrue("!document.getElementById('auth').hidden", Duration.ofSeconds(10));
        browser.eval("document.getElementById('token').value = '" + TOKEN + "';"
            + "document.getElementById('auth').requestSubmit(); true");
        // Four charts for the listener and three for each backend, each with its data.
        browser.awaitTrue("window.portfw.charts.size === 10 && document.querySelectorAll('.chart canvas').length === 10",
            Duration.ofSeconds(15));
        assertThat(browser.eval("window.portfw.charts.get('listener web connections/s').data[1]"
            + ".filter(v => v > 0).length")).as("points of the listener's connections/s").isNotEqualTo(0);
        assertThat(browser.eval("window.portfw.charts.get('listener web active connections').data[1].at(-1)"))
            .as("active connections at the last sample").isEqualTo(HELD);
        for (EchoBackend backend : List.of(a, b)) {
          assertThat(browser.eval("window.portfw.charts.get('backend web " + backend.address() + " bytes/s').data[2]"
              + ".filter(v => v > 0).length")).as("points of %s's bytes from the backend", backend).isNotEqualTo(0);
        }
        browser.awaitTrue("document.querySelectorAll('tr.backend .checks i').length >= 4", Duration.ofSeconds(10));
        browser.awaitTrue("document.querySelectorAll('#connections tbody tr').length === " + HELD,
            Duration.ofSeconds(10));

        long toA = admin.get("/api/v1/connections?backend=" + a.address()).json().getLong("total");
        browser.eval("const f = document.getElementById('connection-filter'); f.value = '" + a.address() + "';"
            + "f.dispatchEvent(new Event('input')); true");
        assertThat(browser.eval("document.querySelectorAll('#connections tbody tr').length"))
            .as("rows left by the filter").isEqualTo((int) toA);
        assertThat(browser.eval("document.getElementById('connection-count').textContent"))
            .isEqualTo(toA + " shown of " + HELD + " live");

        Files.createDirectories(ARTEFACTS);
        Path shot = ARTEFACTS.resolve("dashboard-charts.png").toAbsolutePath();
        browser.screenshot(shot);
        assertThat(Files.size(shot)).isGreaterThan(30_000);

        browser.eval("document.querySelector('tr.backend[data-backend=\"" + b.address()
            + "\"] button[data-action=drain]').click(); true");
        Eventually.holds(Duration.ofSeconds(5), "the API shows " + b + " draining", () -> adminState(admin, b)
            .equals("draining"));
        assertThat(adminState(admin, a)).isEqualTo("enabled");
        browser.awaitTrue("document.querySelector('tr.backend[data-backend=\"" + b.address()
            + "\"]').dataset.state === 'draining'", Duration.ofSeconds(5));
        assertThat(browser.eval("document.getElementById('error').textContent")).isEqualTo("");
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  private static JsonObject history(AdminHttp admin) {
    try {
      return admin.get("/api/v1/history?listener=web").json();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a rate curve adds up to: each rate times the seconds since the sample before. */
  private static double sum(JsonObject history, String curve) {
    JsonArray times = history.getJsonArray("times");
    if (history.getJsonArray("listeners").isEmpty()) {
      return 0; // not sampled yet: the listener started after the history's first sample
    }
    JsonArray values = history.getJsonArray("listeners").getJsonObject(0).getJsonObject("series").getJsonArray(curve);
    double total = 0;
    for (int i = 1; i < times.size(); i++) {
      Number v = (Number) values.getValue(i);
      if (v != null) {
        total += v.doubleValue() * (times.getLong(i) - times.getLong(i - 1)) / 1000.0;
      }
    }
    return total;
  }

  private static String adminState(AdminHttp admin, EchoBackend backend) {
    try {
      return admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0).getJsonArray("backends")
          .stream().map(JsonObject.class::cast).filter(j -> j.getString("address").equals(backend.address()))
          .findFirst().orElseThrow().getString("adminState");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs headless Chromium on a page long enough for its script to fetch and render; returns stdout. */
  private static String chromium(String url, String... mode) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("portfw-chromium");
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
    command.addAll(List.of(mode));
    command.add(url);
    Path out = Files.createTempFile("chromium-out", ".html");
    Path err = Files.createTempFile("chromium-err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s: " + Files.readString(err));
    }
    String dom = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("chromium: %s", Files.readString(err)).isZero();
    return dom;
  }
}
