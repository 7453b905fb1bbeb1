package io.portfw.core.it;

import static io.portfw.testing.AdminHttp.metric;
import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.Backend;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.Payloads;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admin API and metrics, checked against known real traffic. */
class AdminApiIT {

  private static final int CLIENTS = 10;
  private static final int BYTES = 10_000;

  @Test
  void afterKnownTraffic_apiAndMetricsCountExactly() throws Exception {
    int dead = Ports.refusing();
    try (EchoBackend a = new EchoBackend();
         EchoBackend b = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" },
                              { "name": "dead", "listen": "127.0.0.1:%d", "pool": "dead" } ],
               "pools": [ { "name": "web", "backends": [ { "address": "%s" }, { "address": "%s" } ] },
                          { "name": "dead", "retries": 0, "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
             """.formatted(Ports.free(), Ports.free(), a.address(), b.address(), dead))) {
      int web = forwarder.runtime().config().listeners().get(0).listen().firstPort();
      int deadPort = forwarder.runtime().config().listeners().get(1).listen().firstPort();
      for (int i = 0; i < CLIENTS; i++) {
        byte[] sent = Payloads.bytes(i, BYTES);
        try (Socket s = connect(web)) {
          s.getOutputStream().write(sent);
          s.shutdownOutput();
          assertThat(Arrays.equals(s.getInputStream().readAllBytes(), sent)).isTrue();
        }
      }
      for (int i = 0; i < 3; i++) {
        try (Socket s = connect(deadPort)) {
          s.getInputStream().read();
        } catch (IOException reset) {
          // refused with a reset: expected
        }
      }
      Eventually.holds(Duration.ofSeconds(5), "every connection over",
          () -> forwarder.runtime().connections().count() == 0);

      AdminHttp admin = new AdminHttp(forwarder.adminUrl());
      JsonObject listener = admin.get("/api/v1/listeners").json().getJsonArray("listeners").getJsonObject(0);
      assertThat(listener.getString("name")).isEqualTo("web");
      assertThat(listener.getLong("accepted")).isEqualTo(CLIENTS);
      assertThat(listener.getLong("active")).isZero();
      assertThat(listener.getLong("bytesReceived")).isEqualTo((long) CLIENTS * BYTES);
      assertThat(listener.getLong("bytesSent")).isEqualTo((long) CLIENTS * BYTES);
      JsonObject deadListener = admin.get("/api/v1/listeners").json().getJsonArray("listeners").getJsonObject(1);
      assertThat(deadListener.getJsonObject("refused").getLong("connect-failed")).isEqualTo(3);

      JsonArray backends = admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0).getJsonArray("backends");
      assertThat(sum(backends, "total")).isEqualTo(CLIENTS);
      assertThat(sum(backends, "bytesSent")).isEqualTo((long) CLIENTS * BYTES);
      assertThat(sum(backends, "bytesReceived")).isEqualTo((long) CLIENTS * BYTES);
      assertThat(backends.getJsonObject(0).getString("state")).isEqualTo("up");
      assertThat(backends.getJsonObject(0).getString("address")).isEqualTo(a.address());

      AdminHttp.Answer scrape = admin.get("/metrics");
      assertThat(scrape.status()).isEqualTo(200);
      String m = scrape.body();
      assertThat(metric(m, "portfw_listener_connections_total", "listener=\"web\"")).isEqualTo(CLIENTS);
      assertThat(metric(m, "portfw_listener_connections_active", "listener=\"web\"")).isZero();
      assertThat(metric(m, "portfw_listener_bytes_received_total", "listener=\"web\"")).isEqualTo(CLIENTS * BYTES);
      assertThat(metric(m, "portfw_listener_bytes_sent_total", "listener=\"web\"")).isEqualTo(CLIENTS * BYTES);
      assertThat(metric(m, "portfw_listener_refused_total", "listener=\"dead\"", "reason=\"connect-failed\"")).isEqualTo(3);
      assertThat(metric(m, "portfw_listener_refused_total", "listener=\"web\"")).isZero();
      assertThat(metric(m, "portfw_backend_connections_total", "pool=\"web\"")).isEqualTo(CLIENTS);
      assertThat(metric(m, "portfw_backend_bytes_sent_total", "pool=\"web\"")).isEqualTo(CLIENTS * BYTES);
      assertThat(metric(m, "portfw_backend_bytes_received_total", "pool=\"web\"")).isEqualTo(CLIENTS * BYTES);
      assertThat(metric(m, "portfw_backend_connect_time_seconds_count", "pool=\"web\"")).isEqualTo(CLIENTS);
      assertThat(metric(m, "portfw_backend_connect_errors_total", "pool=\"dead\"", "reason=\"refused\"")).isEqualTo(3);
      assertThat(metric(m, "portfw_backend_up", "backend=\"" + a.address() + "\"")).isEqualTo(1);
      assertThat(metric(m, "portfw_backend_state", "backend=\"" + a.address() + "\"", "state=\"up\"")).isEqualTo(1);
      assertThat(metric(m, "portfw_reloads_total", "outcome=\"applied\"")).isEqualTo(1);
    }
  }

  @Test
  void liveConnections_areListedWithFiltersAndLimit() throws Exception {
    try (EchoBackend a = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(a.address()));
         Socket one = connect(forwarder.port());
         Socket two = connect(forwarder.port());
         Socket three = connect(forwarder.port())) {
      assertThat(echo(one, "hello")).isEqualTo("hello");
      echo(two, "x");
      echo(three, "y");
      AdminHttp admin = new AdminHttp(forwarder.adminUrl());
      JsonObject all = admin.get("/api/v1/connections").json();
      assertThat(all.getInteger("total")).isEqualTo(3);
      // Two event loops accept in parallel: the list is in accept order, not necessarily the order of connect() calls.
      JsonObject first = all.getJsonArray("connections").stream().map(JsonObject.class::cast)
          .filter(c -> c.getString("client").equals("127.0.0.1:" + one.getLocalPort())).findFirst().orElseThrow();
      assertThat(first.getString("backend")).isEqualTo(a.address());
      assertThat(first.getString("listener")).isEqualTo("l");
      assertThat(first.getLong("bytesFromClient")).isEqualTo(5);
      assertThat(first.getLong("bytesFromBackend")).isEqualTo(5);
      assertThat(first.getLong("ageMs")).isGreaterThanOrEqualTo(0);

      JsonObject limited = admin.get("/api/v1/connections?limit=1").json();
      assertThat(limited.getInteger("shown")).isEqualTo(1);
      assertThat(limited.getInteger("total")).isEqualTo(3);
      assertThat(admin.get("/api/v1/connections?client=127.0.0.1:" + two.getLocalPort()).json().getInteger("total"))
          .isEqualTo(1);
      assertThat(admin.get("/api/v1/connections?backend=" + a.address()).json().getInteger("total")).isEqualTo(3);
      assertThat(admin.get("/api/v1/connections?listener=other").json().getInteger("total")).isZero();

      AdminHttp.Answer bad = admin.get("/api/v1/connections?limit=lots");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().getString("error")).isEqualTo("limit: \"lots\" is not a number from 1 to 100000");
    }
  }

  @Test
  void token_isRequiredEverywhereButHealthz() throws Exception {
    String token = "s3cret-token-0123456789";
    try (EchoBackend a = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(a.address()).replace("{ \"listeners\"",
             "{ \"admin\": { \"listen\": \"127.0.0.1:" + Ports.free() + "\", \"token\": \"" + token + "\" }, \"listeners\""))) {
      AdminHttp none = new AdminHttp(forwarder.adminUrl());
      AdminHttp wrong = new AdminHttp(forwarder.adminUrl(), "s3cret-token-0123456780");
      AdminHttp right = new AdminHttp(forwarder.adminUrl(), token);
      for (String path : List.of("/api/v1/pools", "/api/v1/listeners", "/api/v1/connections", "/metrics",
          "/api/v1/config/status")) {
        AdminHttp.Answer missing = none.get(path);
        assertThat(missing.status()).as(path).isEqualTo(401);
        assertThat(missing.json().getString("error")).isEqualTo("missing Authorization: Bearer <token> header");
        assertThat(wrong.get(path).status()).as(path).isEqualTo(401);
        assertThat(wrong.get(path).json().getString("error")).isEqualTo("wrong token");
        assertThat(right.get(path).status()).as(path).isEqualTo(200);
      }
      String drain = "/api/v1/pools/p/backends/" + a.address() + "/drain";
      assertThat(none.post(drain).status()).isEqualTo(401);
      assertThat(wrong.post(drain).status()).isEqualTo(401);
      assertThat(forwarder.runtime().pool("p").backends().get(0).state().name()).as("refused: nothing changed")
          .isEqualTo("UP");
      assertThat(none.get("/healthz").status()).isEqualTo(200);
      assertThat(none.get("/healthz").json().getString("status")).isEqualTo("ok");
    }
  }

  @Test
  void drainAndEnable_changeWhereNewConnectionsGo_andNothingElse() throws Exception {
    try (EchoBackend a = new EchoBackend();
         EchoBackend b = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(a.address(), b.address()))) {
      Backend backendA = forwarder.runtime().pool("p").backends().get(0);
      Backend backendB = forwarder.runtime().pool("p").backends().get(1);
      Socket onA = connect(forwarder.port()); // round robin: the first goes to a
      assertThat(echo(onA, "before")).isEqualTo("before");
      assertThat(backendA.activeConnections()).isEqualTo(1);

      AdminHttp admin = new AdminHttp(forwarder.adminUrl());
      AdminHttp.Answer drained = admin.post("/api/v1/pools/p/backends/"
          + URLEncoder.encode(a.address(), StandardCharsets.UTF_8) + "/drain");
      assertThat(drained.status()).isEqualTo(200);
      assertThat(drained.json().getString("previous")).isEqualTo("up");
      assertThat(drained.json().getString("state")).isEqualTo("draining");
      assertThat(admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0).getJsonArray("backends")
          .getJsonObject(0).getString("state")).as("shown at once").isEqualTo("draining");

      long aBefore = backendA.totalConnections();
      long bBefore = backendB.totalConnections();
      for (int i = 0; i < 6; i++) {
        try (Socket s = connect(forwarder.port())) {
          assertThat(echo(s, "n" + i)).isEqualTo("n" + i);
        }
      }
      assertThat(backendA.totalConnections()).as("a drained backend takes none").isEqualTo(aBefore);
      assertThat(backendB.totalConnections() - bBefore).isEqualTo(6);
      assertThat(echo(onA, "still")).as("its live connection goes on").isEqualTo("still");

      assertThat(admin.post("/api/v1/pools/p/backends/" + a.address() + "/enable").json().getString("state"))
          .isEqualTo("up");
      for (int i = 0; i < 6; i++) {
        try (Socket s = connect(forwarder.port())) {
          echo(s, "m");
        }
      }
      assertThat(backendA.totalConnections() - aBefore).as("back in rotation").isEqualTo(3);
      onA.close();
    }
  }

  @Test
  void wrongRequests_getClearJsonErrors_andChangeNothing() throws Exception {
    try (EchoBackend a = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(a.address()))) {
      AdminHttp admin = new AdminHttp(forwarder.adminUrl());
      expect(admin.post("/api/v1/pools/nope/backends/" + a.address() + "/drain"), 404, "no pool named \"nope\"");
      expect(admin.post("/api/v1/pools/p/backends/127.0.0.1:1/drain"), 404,
          "pool p has no backend 127.0.0.1:1 (it has: " + a.address() + ")");
      expect(admin.post("/api/v1/pools/p/backends/" + a.address() + "/restart"), 404,
          "\"restart\" is not a backend action (use drain, enable or disable)");
      expect(admin.post("/api/v1/pools/p/backends/" + a.address() + "/drain", "{not json"), 400, null);
      expect(admin.get("/api/v1/pools/p/backends/" + a.address() + "/drain"), 405,
          "GET is not allowed on /api/v1/pools/p/backends/" + a.address() + "/drain");
      expect(admin.send("DELETE", "/api/v1/pools"), 405, "DELETE is not allowed on /api/v1/pools");
      expect(admin.get("/api/v2/pools"), 404, "no such endpoint: GET /api/v2/pools");
      expect(admin.get("/api/v1/nothing"), 404, "no such endpoint: GET /api/v1/nothing");
      expect(admin.post("/api/v1/reload"), 409, "cannot reload: this instance was not started from a config file");
      browserAttacks_areRefused(forwarder, a.address());
      assertThat(forwarder.runtime().pool("p").backends().get(0).state().name()).isEqualTo("UP");
      JsonObject status = admin.get("/api/v1/config/status").json();
      assertThat(status.getString("outcome")).isEqualTo("applied");
      assertThat(status.getString("running")).isEqualTo("1 listener, 1 pool, 1 backend");
    }
  }

  /** What a web page could make a browser send: a cross-site POST, a form, a rebound host name. */
  private static void browserAttacks_areRefused(RunningForwarder forwarder, String backend) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String drain = forwarder.adminUrl() + "/api/v1/pools/p/backends/" + backend + "/drain";
    var plain = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(drain))
        .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(415);
    var form = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(drain))
        .header("Content-Type", "multipart/form-data; boundary=x")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("--x\r\nContent-Disposition: form-data; name=\"f\"; "
            + "filename=\"a.txt\"\r\n\r\nhello\r\n--x--\r\n")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("file-uploads"))).as("no upload stored").isFalse();
    var crossSite = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(drain))
        .header("Content-Type", "application/json").header("Origin", "http://evil.example")
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(crossSite.body()).getString("error"))
        .isEqualTo("requests from pages of http://evil.example are not accepted");
    try (Socket raw = new Socket("127.0.0.1", java.net.URI.create(forwarder.adminUrl()).getPort())) {
      raw.getOutputStream().write("GET /api/v1/pools HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(raw.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 403").contains("is not this admin endpoint's address");
    }
    assertThat(forwarder.runtime().pool("p").backends().get(0).state().name()).isEqualTo("UP");
  }

  private static void expect(AdminHttp.Answer answer, int status, String error) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    JsonObject json = answer.json();
    assertThat(json.getInteger("status")).isEqualTo(status);
    if (error != null) {
      assertThat(json.getString("error")).isEqualTo(error);
    } else {
      assertThat(json.getString("error")).isNotBlank();
    }
  }

  private static long sum(JsonArray backends, String field) {
    long total = 0;
    for (int i = 0; i < backends.size(); i++) {
      total += backends.getJsonObject(i).getLong(field);
    }
    return total;
  }

  private static String config(String... backends) {
    StringBuilder list = new StringBuilder();
    for (String b : backends) {
      list.append(list.isEmpty() ? "" : ", ").append("{ \"address\": \"").append(b).append("\" }");
    }
    return """
        { "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p" } ],
          "pools": [ { "name": "p", "backends": [ %s ] } ] }
        """.formatted(Ports.free(), list);
  }
}
