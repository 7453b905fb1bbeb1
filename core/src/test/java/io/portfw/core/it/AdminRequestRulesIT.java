package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.EchoBackend;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint's rules for what it accepts, as an operator's curl and a browser's page send
 * requests: authentication before anything else, bodiless POSTs from curl, refusals of what a
 * page of another site could send, and 4xx (never 5xx) for malformed requests.
 */
class AdminRequestRulesIT {

  private static final String TOKEN = "t0ken-for-the-admin-rules";

  @Test
  void withAToken_authenticationComesFirst_andCurlsBodilessPostWorks() throws Exception {
    try (EchoBackend a = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(a.address(), true))) {
      String drain = "/api/v1/pools/p/backends/" + a.address() + "/drain";
      // No token, no Content-Type: the 401 comes before anything is said about the media type.
      assertThat(raw(forwarder, "POST /api/v1/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"))
          .startsWith("HTTP/1.1 401").contains("missing Authorization");
      assertThat(raw(forwarder, "POST " + drain + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
          + "Origin: http://evil.example\r\nContent-Length: 1\r\n\r\nx")).startsWith("HTTP/1.1 401");
      assertThat(raw(forwarder, "POST " + drain + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer nope\r\n"
          + "Content-Length: 0\r\n")).startsWith("HTTP/1.1 401").contains("wrong token");
      assertThat(raw(forwarder, "GET /api/v1/pools/p/backends/%ZZ/drain HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
          .as("even a malformed path gets the 401 first").startsWith("HTTP/1.1 401");
      assertThat(state(forwarder)).isEqualTo("UP");

      // The operator's habit: curl -X POST with the token and no body.
      Curl curl = curl("-X", "POST", "-H", "Authorization: Bearer " + TOKEN, forwarder.adminUrl() + drain);
      assertThat(curl.status).as(curl.body).isEqualTo(200);
      assertThat(new JsonObject(curl.body).getString("state")).isEqualTo("draining");
      assertThat(state(forwarder)).isEqualTo("DRAINING");

      // A body that is not JSON is still refused, token or not.
      String enable = "/api/v1/pools/p/backends/" + a.address() + "/enable";
      assertThat(raw(forwarder, "POST " + enable + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
          + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")).startsWith("HTTP/1.1 415");
      assertThat(state(forwarder)).isEqualTo("DRAINING");
    }
  }

  @Test
  void withoutAToken_curlsBodilessPostWorks_butWhatAPageCouldSendDoesNot() throws Exception {
    try (EchoBackend a = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(a.address(), false))) {
      String drain = "/api/v1/pools/p/backends/" + a.address() + "/drain";
      assertThat(raw(forwarder, "POST " + drain + " HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: cross-site\r\n"
          + "Content-Length: 0\r\n")).startsWith("HTTP/1.1 403").contains("Sec-Fetch-Site: cross-site");
      assertThat(raw(forwarder, "POST " + drain + " HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n"
          + "Content-Length: 0\r\n")).startsWith("HTTP/1.1 403");
      assertThat(raw(forwarder, "POST " + drain + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n"))
          .as("an empty form is still a form").startsWith("HTTP/1.1 415");
      assertThat(raw(forwarder, "POST " + drain + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\na=b"))
          .as("a body without a type").startsWith("HTTP/1.1 415");
      assertThat(state(forwarder)).isEqualTo("UP");

      Curl curl = curl("-X", "POST", forwarder.adminUrl() + drain);
      assertThat(curl.status).as(curl.body).isEqualTo(200);
      assertThat(state(forwarder)).isEqualTo("DRAINING");
    }
  }

  @Test
  void malformedRequests_get4xxWithAReason_neverA5xx() throws Exception {
    try (EchoBackend a = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(a.address(), false))) {
      String answer = raw(forwarder, "POST /api/v1/pools/p/backends/%ZZ/drain HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Length: 0\r\n");
      assertThat(answer).startsWith("HTTP/1.1 400");
      JsonObject error = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertThat(error.getString("error")).contains("malformed percent-encoding \"%ZZ\"");

      List<String> requests = List.of(
          "GET /api/v1/connections?listener=%G1 HTTP/1.1\r\nHost: 127.0.0.1\r\n",
          "GET /api/v1/pools/p/backends/%/drain HTTP/1.1\r\nHost: 127.0.0.1\r\n",
          "POST /api/v1/pools/p/backends/%E0%A4%A/drain HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n",
          "POST /api/v1/pools/p/backends/%FF%FE/drain HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n",
          "GET /api/v1/pools/../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n",
          "GET /api/v1/connections?limit=99999999999999999999 HTTP/1.1\r\nHost: 127.0.0.1\r\n",
          "POST /api/v1/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: 8\r\n\r\n{\"a\":[[[",
          "BREW /api/v1/pools HTTP/1.1\r\nHost: 127.0.0.1\r\n",
          "GET /api/v1/pools HTTP/1.1\r\nHost: [::1\r\n",
          "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
          "GET /api/v1/pools HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Broken-Header\r\n",
          "\u0000\u0001garbage\r\n");
      List<String> fiveHundreds = new ArrayList<>();
      for (String request : requests) {
        String got = raw(forwarder, request);
        if (got.startsWith("HTTP/1.1 5")) {
          fiveHundreds.add(request.lines().findFirst().orElse("") + " -> " + got.lines().findFirst().orElse(""));
        }
      }
      assertThat(fiveHundreds).as("requests answered with a 5xx").isEmpty();
      assertThat(state(forwarder)).isEqualTo("UP");
    }
  }

  private static String state(RunningForwarder forwarder) {
    return forwarder.runtime().pool("p").backends().get(0).state().name();
  }

  /** Sends {@code head} (and its body, when it has one) as written, and reads the answer until the server closes. */
  private static String raw(RunningForwarder forwarder, String request) throws IOException {
    URI admin = URI.create(forwarder.adminUrl());
    String whole = request.contains("\r\n\r\n") ? request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
        : request + "Connection: close\r\n\r\n";
    try (Socket socket = new Socket(admin.getHost(), admin.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(whole.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private record Curl(int status, String body) {}

  /** The curl an operator types, with the status code appended on a line of its own. */
  private static Curl curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "10", "-w", "\n%{http_code}"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    int split = out.lastIndexOf('\n');
    return new Curl(Integer.parseInt(out.substring(split + 1).strip()), out.substring(0, split));
  }

  private static String config(String backend, boolean token) {
    String admin = token ? "\"admin\": { \"listen\": \"127.0.0.1:" + Ports.free() + "\", \"token\": \"" + TOKEN + "\" }, "
        : "";
    return """
        { %s"listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p" } ],
          "pools": [ { "name": "p", "backends": [ { "address": "%s" } ] } ] }
        """.formatted(admin, Ports.free(), backend);
  }
}
