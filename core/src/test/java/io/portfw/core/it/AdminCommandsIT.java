package io.portfw.core.it;

import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's commands against a running portfw, both processes started from the packaged jar. */
class AdminCommandsIT {

  private static final String TOKEN = "operator-token-0123456789";

  @TempDir
  Path dir;

  @Test
  void statusConnectionsDrainEnable_fromTheCommandLine() throws Exception {
    int port = Ports.free();
    int adminPort = Ports.free();
    Path accessLog = dir.resolve("access.log");
    try (EchoBackend a = new EchoBackend(); EchoBackend b = new EchoBackend()) {
      Path file = write(config(port, adminPort, accessLog, a, b));
      try (PortfwProcess portfw = PortfwProcess.start("run", "--no-watch", "--config", file.toString())
          .awaitListening(port);
           Socket held = connect(port)) {
        assertThat(echo(held, "hold")).isEqualTo("hold");

        String status = ok(cli("status", "--config", file.toString()));
        assertThat(status).contains("prot", "local", "remote", "weight", "state", "active", "total")
            .contains(a.address(), b.address(), "127.0.0.1:" + port, "up");

        AdminHttp admin = new AdminHttp("http://127.0.0.1:" + adminPort, TOKEN);
        // The start-up readiness probe took a turn too: ask which backend the held connection is on.
        String heldOn = admin.get("/api/v1/connections").json().getJsonArray("connections").getJsonObject(0)
            .getString("backend");
        int heldIndex = heldOn.equals(a.address()) ? 0 : 1;
        String connections = ok(cli("connections", "--admin", "http://127.0.0.1:" + adminPort, "--token", TOKEN));
        assertThat(connections).contains("127.0.0.1:" + held.getLocalPort(), heldOn, "1 of 1 connections");

        assertThat(ok(cli("drain", "p", heldOn, "--config", file.toString())))
            .isEqualTo("pool p: backend " + heldOn + " UP -> DRAINING" + System.lineSeparator());
        long totalBefore = admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0)
            .getJsonArray("backends").getJsonObject(heldIndex).getLong("total");
        for (int i = 0; i < 4; i++) {
          try (Socket s = connect(port)) {
            echo(s, "x");
          }
        }
        assertThat(echo(held, "still")).isEqualTo("still");
        JsonObject drained = admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0)
            .getJsonArray("backends").getJsonObject(heldIndex);
        assertThat(drained.getString("state")).isEqualTo("draining");
        assertThat(drained.getLong("total")).as("no new connection while drained").isEqualTo(totalBefore);
        assertThat(ok(cli("status", "--config", file.toString()))).contains("draining");

        assertThat(ok(cli("enable", "p", heldOn, "--config", file.toString()))).contains("DRAINING -> UP");
        assertThat(ok(cli("disable", "p", heldOn, "--config", file.toString()))).contains("UP -> DISABLED");

        PortfwProcess wrong = cli("status", "--admin", "http://127.0.0.1:" + adminPort, "--token", "not-the-token-at-all");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.stderr()).contains("portfw status: HTTP 401: wrong token");
        PortfwProcess unknown = cli("drain", "p", "10.9.9.9:1", "--config", file.toString());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("HTTP 404: pool p has no backend 10.9.9.9:1");
        held.close();

        Eventually.holds(Duration.ofSeconds(10), "the held connection's access log line",
            () -> lines(accessLog).stream().anyMatch(l -> new JsonObject(l).getLong("bytesFromClient") == 9));
        List<String> log = lines(accessLog);
        // The first lines may be the start-up readiness probe (no bytes); take the first one-byte client.
        JsonObject first = log.stream().map(JsonObject::new).filter(j -> j.getLong("bytesFromClient") == 1)
            .findFirst().orElseThrow();
        assertThat(first.getString("listener")).isEqualTo("l");
        assertThat(first.getString("backend")).isIn(a.address(), b.address());
        assertThat(first.getLong("bytesFromClient")).isEqualTo(1);
        assertThat(first.getLong("bytesFromBackend")).isEqualTo(1);
        assertThat(first.getString("ending")).isEqualTo("client-close");
        JsonObject heldLine = log.stream().map(JsonObject::new).filter(j -> j.getLong("bytesFromClient") == 9)
            .findFirst().orElseThrow();
        assertThat(heldLine.getString("backend")).isEqualTo(heldOn);
        assertThat(heldLine.getLong("bytesFromBackend")).isEqualTo(9);
        assertThat(heldLine.getString("client")).isEqualTo("127.0.0.1:" + held.getLocalPort());
      }
    }
  }

  @Test
  void unreachableAdmin_exitsOneAndSaysWhere() throws Exception {
    int nothing = Ports.free();
    PortfwProcess status = cli("status", "--admin", "http://127.0.0.1:" + nothing);
    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.stderr()).contains("cannot reach the admin API at http://127.0.0.1:" + nothing);
    PortfwProcess bad = cli("status", "--admin", "ftp://x");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.stderr()).contains("is not an http://HOST:PORT address");
  }

  @Test
  void reloadThroughTheApi_appliesTheEditedFile_andReportsAnInvalidOne() throws Exception {
    int port = Ports.free();
    int second = Ports.free();
    int adminPort = Ports.free();
    try (EchoBackend a = new EchoBackend(); EchoBackend b = new EchoBackend()) {
      Path file = write(config(port, adminPort, null, a));
      try (PortfwProcess portfw = PortfwProcess.start("run", "--no-watch", "--config", file.toString())
          .awaitListening(port)) {
        AdminHttp admin = new AdminHttp("http://127.0.0.1:" + adminPort, TOKEN);
        replace(file, config(port, adminPort, null, a, b).replace("\"listeners\": [",
            "\"listeners\": [ { \"name\": \"m\", \"listen\": \"127.0.0.1:" + second + "\", \"pool\": \"p\" },"));
        AdminHttp.Answer applied = admin.post("/api/v1/reload");
        assertThat(applied.status()).isEqualTo(200);
        assertThat(applied.json().getString("outcome")).isEqualTo("applied");
        assertThat(applied.json().getString("summary")).isEqualTo("+1 listener, ~1 pool");
        portfw.awaitListening(second);

        replace(file, "{ \"listeners\": 7 }");
        AdminHttp.Answer invalid = admin.post("/api/v1/reload");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().getString("outcome")).isEqualTo("invalid");
        assertThat(invalid.json().getJsonArray("errors").getList()).contains("listeners: must be an array, not a number");
        assertThat(admin.get("/api/v1/config/status").json().getString("outcome")).isEqualTo("invalid");
        try (Socket s = connect(second)) {
          assertThat(echo(s, "still")).as("the running config stays").isEqualTo("still");
        }
      }
    }
  }

  private PortfwProcess cli(String... args) throws Exception {
    PortfwProcess p = PortfwProcess.start(args);
    p.exitCode();
    return p;
  }

  private static String ok(PortfwProcess p) throws Exception {
    assertThat(p.exitCode()).as(p.stderr()).isZero();
    return p.stdout();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private Path write(String text) throws Exception {
    return Files.writeString(dir.resolve("portfw.json"), text);
  }

  private void replace(Path file, String text) throws Exception {
    Path tmp = Files.writeString(dir.resolve(".portfw.json.tmp"), text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String config(int port, int adminPort, Path accessLog, EchoBackend... backends) {
    StringBuilder list = new StringBuilder();
    for (EchoBackend b : backends) {
      list.append(list.isEmpty() ? "" : ", ").append("{ \"address\": \"").append(b.address()).append("\" }");
    }
    String log = accessLog == null ? "" : "\"accessLog\": { \"format\": \"json\", \"output\": \"" + accessLog + "\" },";
    return """
        { "admin": { "listen": "127.0.0.1:%d", "token": "%s" }, %s
          "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p" } ],
          "pools": [ { "name": "p", "backends": [ %s ] } ] }
        """.formatted(adminPort, TOKEN, log, port, list);
  }
}
