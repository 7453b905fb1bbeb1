package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin endpoint over HTTPS ({@code admin.tls}): curl and the operator's commands reach it, plain HTTP does not. */
class AdminTlsIT {

  @TempDir
  Path dir;

  @Test
  void adminOverHttps_servesCurlAndTheCommands_withTheConfiguredCertificate() throws Exception {
    TestCa ca = new TestCa(dir);
    TestCa.Issued admin = ca.server("admin", "ec", 30, "127.0.0.1");
    int adminPort = Ports.free();
    int port = Ports.free();
    Path file = Files.writeString(dir.resolve("portfw.json"), """
        { "admin": { "listen": "127.0.0.1:%d", "token": "https-admin-token-0123",
                     "tls": { "certificates": [ { "cert": "%s", "key": "%s" } ] } },
          "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "127.0.0.1:9" } ] } ] }
        """.formatted(adminPort, admin.chain(), admin.key(), port));
    try (PortfwProcess portfw = PortfwProcess.start("run", "--no-watch", "--config", file.toString())
        .awaitListening(port)) {
      assertThat(run("curl", "-sS", "--max-time", "10", "--cacert", ca.ca().toString(),
          "https://127.0.0.1:" + adminPort + "/healthz")).isEqualTo("{\"status\":\"ok\"}");
      assertThat(run("curl", "-s", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
          "http://127.0.0.1:" + adminPort + "/healthz")).as("plain HTTP gets no answer").isEqualTo("000");

      PortfwProcess status = PortfwProcess.start("status", "--config", file.toString(), "--cacert", ca.ca().toString());
      assertThat(status.exitCode()).as(status.stderr()).isZero();
      assertThat(status.stdout()).contains("127.0.0.1:" + port, "web");
      assertThat(portfw.stderr()).contains("admin: https://127.0.0.1:" + adminPort + "/");
      portfw.terminate();
      assertThat(portfw.exitCode()).isZero();
    }
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
