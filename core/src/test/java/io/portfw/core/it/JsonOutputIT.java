package io.portfw.core.it;

import static io.portfw.testing.Clients.echo;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.TestCa;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status}, {@code connections} and {@code check} with {@code -o json}, run as processes
 * against a running portfw: their output is one JSON document with the admin API's fields, and a
 * failure keeps its exit code and is a JSON document too.
 */
class JsonOutputIT {

  private static final String TOKEN = "json-output-token-0123456789";

  @TempDir
  Path dir;

  @Test
  void statusAndConnections_printTheApisDocuments() throws Exception {
    int port = Ports.free();
    int adminPort = Ports.free();
    try (EchoBackend backend = new EchoBackend()) {
      Path config = Files.writeString(dir.resolve("portfw.json"), """
          { "admin": { "listen": "127.0.0.1:%d", "token": "${TEST_TOKEN}" },
            "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" } ],
            "pools": [ { "name": "web", "backends": [ { "address": "%s", "weight": 3 } ] } ] }
          """.formatted(adminPort, port, backend.address()));
      Map<String, String> env = Map.of("TEST_TOKEN", TOKEN, "PORTFW_ADMIN_TOKEN", TOKEN);
      try (PortfwProcess portfw = PortfwProcess.startWith(env, List.of(), "run", "--config", config.toString())
               .awaitListening(port);
           Socket client = new Socket("127.0.0.1", port)) {
        client.setSoTimeout(10_000);
        assertThat(echo(client, "hello")).isEqualTo("hello");
        AdminHttp api = new AdminHttp("http://127.0.0.1:" + adminPort, TOKEN);

        JsonObject status = runJson(env, 0, "status", "-o", "json", "--config", config.toString());
        assertThat(status.fieldNames()).containsExactlyInAnyOrder("listeners", "pools");
        assertThat(status.getJsonArray("listeners"))
            .isEqualTo(api.get("/api/v1/listeners").json().getJsonArray("listeners"));
        JsonObject web = status.getJsonArray("pools").getJsonObject(0);
        JsonObject apiWeb = api.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0);
        assertThat(web.fieldNames()).isEqualTo(apiWeb.fieldNames());
        JsonObject listedBackend = web.getJsonArray("backends").getJsonObject(0);
        assertThat(listedBackend.fieldNames()).isEqualTo(apiWeb.getJsonArray("backends").getJsonObject(0).fieldNames());
        assertThat(listedBackend.getString("address")).isEqualTo(backend.address());
        assertThat(listedBackend.getInteger("weight")).isEqualTo(3);
        assertThat(listedBackend.getLong("active")).isEqualTo(1);

        JsonObject connections = runJson(env, 0, "connections", "--output", "json", "--admin",
            "http://127.0.0.1:" + adminPort);
        assertThat(connections.fieldNames())
            .isEqualTo(api.get("/api/v1/connections?limit=100").json().fieldNames());
        assertThat(connections.getInteger("total")).isEqualTo(1);
        JsonObject flow = connections.getJsonArray("connections").getJsonObject(0);
        assertThat(flow.getString("client")).isEqualTo("127.0.0.1:" + client.getLocalPort());
        assertThat(flow.getString("listener")).isEqualTo("web");
        assertThat(flow.getString("backend")).isEqualTo(backend.address());
        assertThat(flow.getLong("bytesFromClient")).isEqualTo(5);

        // A refused request: exit 1 as in text mode, the error as a document on stdout and a line on stderr.
        PortfwProcess refused = PortfwProcess.start("connections", "-o", "json", "--admin",
            "http://127.0.0.1:" + adminPort, "--token", "wrong-token-0123456789");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(new JsonObject(refused.stdout()).getString("error")).contains("401", "wrong token");
        assertThat(refused.stderr()).startsWith("portfw connections: ");
      }
    }
    // Nothing there: exit 1, and still a JSON document.
    JsonObject unreachable = runJson(Map.of(), 1, "status", "-o", "json", "--admin", "http://127.0.0.1:" + adminPort);
    assertThat(unreachable.getString("error")).contains("cannot reach the admin API");
  }

  @Test
  void check_printsResultSummaryCertificatesAndErrorsWithPaths() throws Exception {
    TestCa ca = new TestCa(dir);
    TestCa.Issued www = ca.server("www", "ec", 30, "www.example.test", "example.test");
    Path valid = Files.writeString(dir.resolve("valid.json"), """
        { "listeners": [ { "name": "tls", "listen": "127.0.0.1:%d", "pool": "p",
                           "tls": { "certificates": [ { "cert": "%s", "key": "%s" } ] } },
                         { "name": "plain", "listen": "127.0.0.1:%d", "pool": "p" } ],
          "pools": [ { "name": "p", "backends": [ { "address": "127.0.0.1:1" }, { "address": "127.0.0.1:2" } ] } ] }
        """.formatted(Ports.free(), www.cert(), www.key(), Ports.free()));
    JsonObject ok = runJson(Map.of(), 0, "check", "-o", "json", "--config", valid.toString());
    assertThat(ok.getBoolean("valid")).isTrue();
    assertThat(ok.getString("file")).isEqualTo(valid.toString());
    assertThat(ok.getString("summary")).isEqualTo("2 listeners, 1 pool, 2 backends");
    assertThat(ok.getInteger("listeners")).isEqualTo(2);
    assertThat(ok.getInteger("pools")).isEqualTo(1);
    assertThat(ok.getInteger("backends")).isEqualTo(2);
    assertThat(ok.getJsonArray("errors")).isEmpty();
    JsonArray certificates = ok.getJsonArray("certificates");
    assertThat(certificates).hasSize(1);
    JsonObject cert = certificates.getJsonObject(0);
    assertThat(cert.getString("listener")).isEqualTo("tls");
    assertThat(cert.getString("certFile")).isEqualTo(www.cert().toString());
    assertThat(cert.getJsonArray("names").getList()).contains("www.example.test", "example.test");
    assertThat(cert.getBoolean("default")).isTrue();
    assertThat(Instant.parse(cert.getString("notAfter"))).isAfter(Instant.now().plusSeconds(28 * 86_400));
    assertThat(cert.getLong("daysLeft")).isBetween(28L, 30L);

    Path invalid = Files.writeString(dir.resolve("invalid.json"), """
        { "listeners": [ { "name": "web", "listen": "127.0.0.1:99999", "pool": "nowhere" } ],
          "pools": [ { "name": "p", "balance": "sideways", "backends": [ { "address": "127.0.0.1:1" } ] } ] }
        """);
    PortfwProcess check = PortfwProcess.start("check", "-o", "json", "--config", invalid.toString());
    assertThat(check.exitCode()).as("invalid: exit 2 as in text mode").isEqualTo(2);
    JsonObject bad = new JsonObject(check.stdout());
    assertThat(bad.getBoolean("valid")).isFalse();
    JsonArray errors = bad.getJsonArray("errors");
    assertThat(errors.stream().map(e -> ((JsonObject) e).getString("path")))
        .contains("listeners[0].listen", "listeners[0].pool", "pools[0].balance");
    errors.forEach(e -> assertThat(((JsonObject) e).getString("message")).isNotBlank());
    assertThat(check.stderr()).as("the usual report on stderr").contains("pools[0].balance");

    // A wrong -o is a command-line error.
    PortfwProcess wrong = PortfwProcess.start("check", "-o", "yaml", "--config", valid.toString());
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.stderr()).contains("expected text or json");
  }

  /** Runs a command, expects {@code exit}, and parses its whole standard output as one JSON document. */
  private static JsonObject runJson(Map<String, String> env, int exit, String... args) throws Exception {
    try (PortfwProcess cli = PortfwProcess.startWith(env, List.of(), args)) {
      assertThat(cli.exitCode()).as(String.join(" ", args) + ": " + cli.stderr()).isEqualTo(exit);
      return new JsonObject(cli.stdout());
    }
  }
}
