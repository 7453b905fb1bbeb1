package io.portfw.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.AdminConfig;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.UdpEchoBackend;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/openapi.yaml} against the admin endpoint: every route of the router is described and
 * nothing else is, and the answers of a running portfw (the packaged jar, run from a config file)
 * to a call of every operation validate against the document's schemas (read with Jackson's YAML
 * reader, checked by Vert.x's JSON Schema validator: 2020-12, as OpenAPI 3.1 says). In this
 * package because the router is built here, without listening, to list its routes.
 */
class OpenApiIT {

  private static final Path DOCUMENT = Path.of("../docs/openapi.yaml").toAbsolutePath().normalize();
  private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");
  private static JsonObject document;
  /** Each operation by its id: {@code [method, path]}. */
  private static final Map<String, List<String>> OPERATIONS = new TreeMap<>();

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void readDocument() throws Exception {
    document = new JsonObject(new ObjectMapper(new YAMLFactory()).readValue(DOCUMENT.toFile(), Map.class));
    assertThat(document.getString("openapi")).startsWith("3.1");
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(method)) {
          String id = paths.getJsonObject(path).getJsonObject(method).getString("operationId");
          assertThat(id).as("%s %s has an operationId", method, path).isNotNull();
          assertThat(OPERATIONS.put(id, List.of(method.toUpperCase(java.util.Locale.ROOT), path)))
              .as("operationId %s is used once", id).isNull();
        }
      }
    }
  }

  @Test
  void everyRoute_isDescribed_andNothingElse() throws Exception {
    Set<String> routed = new TreeSet<>();
    try (RunningForwarder forwarder = RunningForwarder.startEach(
        new RunningForwarder.Route("web", Ports.free(), "127.0.0.1:" + Ports.free()))) {
      var router = AdminServer.router(forwarder.runtime().vertx(), AdminConfig.DEFAULT, forwarder.runtime(),
          new TrafficHistory(forwarder.runtime()));
      for (Route route : router.getRoutes()) {
        if (route.getPath() == null && route.methods() == null) {
          continue; // a step every request passes first (changes refused during a take-over), not an endpoint
        }
        assertThat(route.methods()).as("route %s names its methods", route.getPath()).isNotEmpty();
        // Vert.x writes path parameters as :name; a trailing * is the asset's file name.
        String path = route.getPath().replaceAll(":(\\w+)", "{$1}");
        if (path.endsWith("/") && path.length() > 1) {
          path = path + "{file}";
        }
        for (var method : route.methods()) {
          routed.add(method.name() + " " + path);
        }
      }
    }
    Set<String> described = new TreeSet<>();
    OPERATIONS.values().forEach(op -> described.add(op.get(0) + " " + op.get(1)));
    assertThat(routed).as("the router's routes").hasSizeGreaterThan(15);
    assertThat(described).isEqualTo(routed);
  }

  @Test
  void answersOfARunningPortfw_validateAgainstTheDocument() throws Exception {
    Path dir = Files.createTempDirectory("portfw-openapi");
    int port = Ports.free();
    int udpPort = Ports.free();
    int adminPort = Ports.free();
    try (EchoBackend a = new EchoBackend(); EchoBackend b = new EchoBackend(); EchoBackend c = new EchoBackend();
         UdpEchoBackend dns = new UdpEchoBackend("dns")) {
      Path config = dir.resolve("portfw.json");
      Files.writeString(config, """
          { "admin": { "listen": "127.0.0.1:%d" },
            "dns": { "servers": ["127.0.0.1:%d"], "timeout": "300ms" },
            "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" },
                           { "name": "dns", "protocol": "udp", "listen": "127.0.0.1:%d", "pool": "dns" } ],
            "pools": [ { "name": "web", "backends": [ { "address": "%s" }, { "address": "%s" } ],
                         "health": { "type": "tcp", "interval": "200ms", "timeout": "1s", "rise": 1, "fall": 1 } },
                       { "name": "dns", "backends": [ { "address": "127.0.0.1:%d" } ] },
                       { "name": "found", "discover": { "srv": "_none._tcp.portfw.test" } } ] }
          """.formatted(adminPort, Ports.free(), port, udpPort, a.address(), b.address(), dns.port()));
      try (PortfwProcess portfw = PortfwProcess.start("run", "--no-watch", "--config", config.toString())
          .awaitListening(port);
           Socket held = new Socket()) {
        String base = "http://127.0.0.1:" + adminPort;
        AdminHttp admin = new AdminHttp(base);
        held.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        OutputStream out = held.getOutputStream();
        out.write("hello".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(held.getInputStream().readNBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
        try (DatagramSocket udp = new DatagramSocket()) {
          udp.setSoTimeout(2000);
          byte[] query = "q".getBytes(StandardCharsets.US_ASCII);
          udp.send(new DatagramPacket(query, query.length, new InetSocketAddress("127.0.0.1", udpPort)));
          udp.receive(new DatagramPacket(new byte[64], 64));
        }
        Eventually.holds(Duration.ofSeconds(10), "two samples and a few checks", () -> {
          try {
            JsonObject history = admin.get("/api/v1/history").json();
            String pools = admin.get("/api/v1/pools").body();
            return history.getJsonArray("times").size() >= 2 && pools.contains("\"recentChecks\" : [ {");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

        List<String> checked = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        Call call = (operation, method, path, body, status) -> {
          HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
          request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
              : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
          HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
          assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(status);
          validate(operation, response);
          checked.add(operation + " " + status);
          return response.body();
        };
        String encodedB = b.address().toString().replace(":", "%3A");
        call.run("healthz", "GET", "/healthz", null, 200);
        call.run("dashboard", "GET", "/", null, 200);
        call.run("asset", "GET", "/assets/dashboard.js", null, 200);
        call.run("asset", "GET", "/assets/uplot/uPlot.min.css", null, 200);
        call.run("asset", "GET", "/assets/nothing.js", null, 404);
        call.run("metrics", "GET", "/metrics", null, 200);
        String served = call.run("openapi", "GET", "/api/v1/openapi.yaml", null, 200);
        assertThat(served).as("the document served is docs/openapi.yaml").isEqualTo(Files.readString(DOCUMENT));
        call.run("listeners", "GET", "/api/v1/listeners", null, 200);
        String pools = call.run("pools", "GET", "/api/v1/pools", null, 200);
        assertThat(pools).as("a pool's discover state is validated too").contains("\"question\" : \"_none._tcp.portfw.test SRV\"");
        String live = call.run("connections", "GET", "/api/v1/connections", null, 200);
        call.run("connections", "GET", "/api/v1/connections?limit=0", null, 400);
        call.run("history", "GET", "/api/v1/history", null, 200);
        call.run("history", "GET", "/api/v1/history?listener=web&pool=web", null, 200);
        call.run("configStatus", "GET", "/api/v1/config/status", null, 200);
        call.run("cluster", "GET", "/api/v1/cluster", null, 200);
        call.run("backendAction", "POST", "/api/v1/pools/web/backends/" + encodedB + "/drain", null, 200);
        call.run("backendAction", "POST", "/api/v1/pools/web/backends/" + encodedB + "/enable", "{}", 200);
        call.run("backendAction", "POST", "/api/v1/pools/nopool/backends/" + encodedB + "/drain", null, 404);
        call.run("setWeight", "POST", "/api/v1/pools/web/backends/" + encodedB + "/weight", "{\"weight\": 4}", 200);
        call.run("setWeight", "POST", "/api/v1/pools/web/backends/" + encodedB + "/weight", "{\"weight\": 999}", 400);
        call.run("addBackend", "POST", "/api/v1/pools/web/backends", "{\"address\": \"" + c.address() + "\"}", 200);
        call.run("addBackend", "POST", "/api/v1/pools/web/backends", "{\"address\": \"" + c.address() + "\"}", 409);
        call.run("removeBackend", "DELETE", "/api/v1/pools/web/backends/" + c.address(), null, 200);
        call.run("saveConfig", "POST", "/api/v1/config/save", null, 200);
        call.run("reload", "POST", "/api/v1/reload", null, 200);
        long id = new JsonObject(live).getJsonArray("connections").stream().map(JsonObject.class::cast)
            .filter(j -> j.getString("protocol").equals("tcp")).findFirst().orElseThrow().getLong("id");
        call.run("killConnection", "DELETE", "/api/v1/connections/" + id, null, 200);
        // The close completes on the connection's event loop: gone from the listing a moment later.
        Eventually.holds(Duration.ofSeconds(5), "connection " + id + " gone", () -> {
          try {
            return !admin.get("/api/v1/connections").body().contains("\"id\" : " + id + ",");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        call.run("killConnection", "DELETE", "/api/v1/connections/" + id, null, 404);
        Files.writeString(config, "{ not json");
        call.run("reload", "POST", "/api/v1/reload", null, 422);

        Set<String> called = new TreeSet<>();
        checked.forEach(s -> called.add(s.substring(0, s.indexOf(' '))));
        assertThat(called).as("every operation was called").isEqualTo(OPERATIONS.keySet());
      }
    }
  }

  /** One call of an operation: its answer must have the status and validate against the document. */
  @FunctionalInterface
  private interface Call {
    String run(String operation, String method, String path, String body, int status) throws Exception;
  }

  /** JSON bodies against their schema; other media types must be among those the document lists. */
  private static void validate(String operationId, HttpResponse<String> response) {
    List<String> op = OPERATIONS.get(operationId);
    assertThat(op).as("operation %s", operationId).isNotNull();
    JsonObject responses = document.getJsonObject("paths").getJsonObject(op.get(1))
        .getJsonObject(op.get(0).toLowerCase(java.util.Locale.ROOT)).getJsonObject("responses");
    JsonObject described = responses.getJsonObject(String.valueOf(response.statusCode()));
    assertThat(described).as("%s describes HTTP %d", operationId, response.statusCode()).isNotNull();
    if (described.containsKey("$ref")) { // #/components/responses/NAME
      String name = described.getString("$ref").substring("#/components/responses/".length());
      described = document.getJsonObject("components").getJsonObject("responses").getJsonObject(name);
    }
    String media = response.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
    JsonObject content = described.getJsonObject("content");
    assertThat(content.fieldNames()).as("%s HTTP %d answered %s", operationId, response.statusCode(), media)
        .contains(media);
    JsonObject schema = content.getJsonObject(media).getJsonObject("schema");
    if (media.equals("application/json")) {
      assertThat(schema).as("%s describes its JSON", operationId).isNotNull();
      // The schema at the root beside the components, so its #/components/... references resolve.
      JsonObject root = schema.copy().put("components", document.getJsonObject("components"));
      Validator validator = Validator.create(JsonSchema.of(root),
          new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://portfw.io/openapi/")
              .setOutputFormat(OutputFormat.Basic));
      OutputUnit result = validator.validate(new JsonObject(response.body()));
      assertThat(result.getValid()).as("%s HTTP %d: %s\n%s", operationId, response.statusCode(),
          result.getErrors(), response.body()).isTrue();
    }
  }
}
