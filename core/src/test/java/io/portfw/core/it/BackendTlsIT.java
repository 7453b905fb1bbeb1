package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.AdminHttp;
import io.portfw.testing.Eventually;
import io.portfw.testing.Nginx;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TestCa;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS toward backends (pool key {@code tls}), against openssl's own TLS server: the backend's
 * certificate verified for the server name sent, a client certificate presented, verification
 * off when asked, and a failed verification counted as a failed connect.
 */
class BackendTlsIT {

  @TempDir
  static Path dir;
  private static TestCa ca;
  private static TestCa.Issued backendCert;
  private static TestCa.Issued portfwClient;

  @BeforeAll
  static void certificates() throws Exception {
    ca = new TestCa(dir);
    backendCert = ca.server("backend", "ec", 30, "backend.example.test");
    portfwClient = ca.client("portfw", "portfw-edge");
  }

  /** openssl s_server answering each line with the line reversed, for {@code accepts} connections; returned once it listens. */
  private static Process sServer(int port, int accepts, String... more) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
        "-cert", backendCert.chain().toString(), "-key", backendCert.key().toString(), "-rev", "-naccept",
        String.valueOf(accepts)));
    command.addAll(List.of(more));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    // It says ACCEPT once it listens; a probe connection would use up one of its accepts.
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (String line; System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
      if (line.startsWith("ACCEPT")) {
        Thread drain = new Thread(() -> {
          try {
            out.transferTo(Writer.nullWriter());
          } catch (IOException ignored) {
            // it exited
          }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
      }
    }
    p.destroy();
    throw new IllegalStateException("openssl s_server did not start");
  }

  private static String config(int port, int backendPort, String tls) {
    return """
        { "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "secure" } ],
          "pools": [ { "name": "secure", "retries": 0, "backends": [ { "address": "127.0.0.1:%d" } ], "tls": %s } ] }
        """.formatted(port, backendPort, tls);
  }

  /** A plaintext client through portfw: one line sent, the answer line read (null when the connection ended first). */
  private static String exchange(int port, String line) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      StringBuilder answer = new StringBuilder();
      for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
        answer.append((char) b);
      }
      return answer.isEmpty() ? null : answer.toString().strip();
    } catch (java.net.SocketException reset) {
      return null;
    }
  }

  @Test
  void reEncrypts_verifyingTheBackendForTheServerNameSent() throws Exception {
    int backendPort = Ports.free();
    Process backend = sServer(backendPort, 1);
    try (RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), backendPort,
        "{ \"ca\": \"" + ca.ca() + "\", \"serverName\": \"backend.example.test\" }"))) {
      assertThat(exchange(forwarder.port(), "hello backend")).isEqualTo("dnekcab olleh");
    } finally {
      backend.destroy();
    }
  }

  /** nginx as the TLS backend: it answers with the server name portfw sent, after portfw verified it for that name. */
  @Test
  void anNginxTlsBackend_seesTheServerNameSent() throws Exception {
    int nginxPort = Ports.free();
    try (Nginx nginx = Nginx.stream("server { listen 127.0.0.1:" + nginxPort + " ssl; ssl_protocols TLSv1.2 TLSv1.3; "
            + "ssl_certificate " + backendCert.chain() + "; ssl_certificate_key " + backendCert.key() + "; "
            + "return \"$ssl_server_name $ssl_protocol\\n\"; }", nginxPort);
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), nginxPort,
             "{ \"ca\": \"" + ca.ca() + "\", \"serverName\": \"backend.example.test\" }"))) {
      try (Socket s = new Socket("127.0.0.1", forwarder.port())) {
        s.setSoTimeout(10_000);
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(answer).isEqualTo("backend.example.test TLSv1.3");
      }
    }
  }

  @Test
  void aCertificateNotForTheName_failsTheConnect_andIsCountedAsTls() throws Exception {
    int backendPort = Ports.free();
    Process backend = sServer(backendPort, 1);
    try (RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), backendPort,
        "{ \"ca\": \"" + ca.ca() + "\", \"serverName\": \"elsewhere.example.test\" }"))) {
      assertThat(exchange(forwarder.port(), "hello")).as("refused: its certificate is not for that name").isNull();
      String scrape = new AdminHttp(forwarder.adminUrl()).get("/metrics").body();
      assertThat(AdminHttp.metric(scrape, "portfw_backend_connect_errors_total", "reason=\"tls\"")).isEqualTo(1);
      assertThat(AdminHttp.metric(scrape, "portfw_listener_refused_total", "reason=\"connect-failed\"")).isEqualTo(1);
    } finally {
      backend.destroy();
    }
  }

  @Test
  void verifyFalse_acceptsAnUntrustedCertificate() throws Exception {
    int backendPort = Ports.free();
    Process backend = sServer(backendPort, 1);
    try (RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), backendPort,
        "{ \"verify\": false }"))) {
      assertThat(exchange(forwarder.port(), "anyone")).isEqualTo("enoyna");
    } finally {
      backend.destroy();
    }
  }

  /** Checks over TLS with the pool's settings: a certificate the data path would refuse fails them, with the reason. */
  @Test
  void healthChecksOverTls_passWithTheRightName_andFailWithTheReasonOtherwise() throws Exception {
    int backendPort = Ports.free();
    Process backend = sServer(backendPort, 100_000);
    String pool = """
        { "ca": "%s", "serverName": "%s" }, "health": { "type": "tcp", "tls": true, "interval": "100ms",
          "timeout": "2s", "rise": 1, "fall": 1 }""";
    try (RunningForwarder right = RunningForwarder.start(config(Ports.free(), backendPort,
        pool.formatted(ca.ca(), "backend.example.test")));
         RunningForwarder wrong = RunningForwarder.start(config(Ports.free(), backendPort,
             pool.formatted(ca.ca(), "elsewhere.example.test")))) {
      Eventually.holds(Duration.ofSeconds(10), "checks ran on both", () -> lastCheck(right) != null
          && lastCheck(wrong) != null);
      JsonObject passed = lastCheck(right);
      assertThat(passed.getBoolean("passed")).as("%s", passed).isTrue();
      assertThat(passed.getString("detail")).isEqualTo("connected over TLS");
      JsonObject failed = lastCheck(wrong);
      assertThat(failed.getBoolean("passed")).isFalse();
      assertThat(failed.getString("detail")).as("the reason").containsIgnoringCase("elsewhere.example.test");
      assertThat(wrong.runtime().pool("secure").backends().get(0).state().name()).isEqualTo("DOWN");
    } finally {
      backend.destroy();
    }
  }

  private static JsonObject lastCheck(RunningForwarder forwarder) {
    try {
      return new AdminHttp(forwarder.adminUrl()).get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0)
          .getJsonArray("backends").getJsonObject(0).getJsonObject("lastCheck");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBackendThatAsksForAClientCertificate_getsTheConfiguredOne() throws Exception {
    int backendPort = Ports.free();
    Process backend = sServer(backendPort, 2, "-Verify", "1", "-CAfile", ca.ca().toString(),
        "-verify_return_error");
    try (RunningForwarder without = RunningForwarder.start(config(Ports.free(), backendPort,
        "{ \"ca\": \"" + ca.ca() + "\", \"serverName\": \"backend.example.test\" }"))) {
      assertThat(exchange(without.port(), "no certificate")).isNull();
    }
    try (RunningForwarder with = RunningForwarder.start(config(Ports.free(), backendPort,
        "{ \"ca\": \"" + ca.ca() + "\", \"serverName\": \"backend.example.test\", \"cert\": \"" + portfwClient.chain()
            + "\", \"key\": \"" + portfwClient.key() + "\" }"))) {
      assertThat(exchange(with.port(), "with one")).isEqualTo("eno htiw");
    } finally {
      backend.destroy();
      backend.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
