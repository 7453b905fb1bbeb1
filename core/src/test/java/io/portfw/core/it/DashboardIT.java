package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: headless Chromium loads the page from a running portfw, its
 * script asks the API, and the rendered rows show the backends and their states. A screenshot is
 * kept in {@code core/target/dashboard.png}.
 */
class DashboardIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path ARTEFACTS = Path.of("target");

  @Test
  void backendRowsAndStates_appearInTheBrowser() throws Exception {
    boolean required = System.getenv("PORTFW_REQUIRE_TOOLS") != null;
    if (required) {
      assertThat(CHROMIUM).as("CI needs Debian's chromium (apt-get install chromium)").exists();
    } else {
      assumeTrue(Files.isExecutable(CHROMIUM), "no /usr/bin/chromium: install Debian's chromium to run this test");
    }
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
