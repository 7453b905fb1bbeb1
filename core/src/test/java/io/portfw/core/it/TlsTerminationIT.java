package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.portfw.core.observe.Refusal;
import io.portfw.core.observe.ReloadResult;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import io.portfw.testing.TestCa;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS terminated on a listener, with real clients (openssl s_client, curl) and plaintext backends:
 * the certificate chosen by server name, routes by server name after the handshake, client
 * certificates required and refused, and the facts of each handshake in the listings.
 */
class TlsTerminationIT {

  @TempDir
  static Path dir;
  private String config;
  private static TestCa ca;
  private static TestCa.Issued www;
  private static TestCa.Issued api;
  private static TestCa.Issued alice;

  @BeforeAll
  static void certificates() throws Exception {
    ca = new TestCa(dir);
    www = ca.server("www", "ec", 30, "www.example.test");
    api = ca.server("api", "rsa", 30, "*.api.example.test");
    alice = ca.client("alice", "alice");
  }

  @Test
  void handshakes_pickTheCertificateByServerName_andRoutesSendThePlaintextOn() throws Exception {
    try (TaggedBackend web = new TaggedBackend("web"); TaggedBackend apis = new TaggedBackend("apis");
         RunningForwarder forwarder = RunningForwarder.start(config = """
             { "listeners": [ { "name": "tls", "listen": "127.0.0.1:%d", "pool": "web",
                                "tls": { "certificates": [ { "cert": "%s", "key": "%s", "default": true },
                                                           { "cert": "%s", "key": "%s" } ] },
                                "routes": [ { "serverName": "*.api.example.test", "pool": "apis" } ] } ],
               "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] },
                          { "name": "apis", "backends": [ { "address": "%s" } ] } ] }
             """.formatted(Ports.free(), www.chain(), www.key(), api.chain(), api.key(), web.address(),
             apis.address()))) {
        String toWww = sClient(forwarder.port(), "www.example.test");
        assertThat(toWww).contains("web\n").contains("Verification: OK").contains("CN = www.example.test");

        String toApi = sClient(forwarder.port(), "v2.api.example.test");
        assertThat(toApi).as("the wildcard certificate, and its route").contains("apis\n")
            .contains("CN = *.api.example.test").contains("Verification: OK");

        String noName = sClient(forwarder.port(), null);
        assertThat(noName).as("no server name: the default certificate and the listener's pool")
            .contains("web\n").contains("CN = www.example.test");

        // A session saved by one client and offered again: resumed, not a full handshake.
        Path session = dir.resolve("www.session");
        List<String> save = new ArrayList<>(sClientCommand(forwarder.port(), "www.example.test"));
        save.addAll(List.of("-sess_out", session.toString()));
        assertThat(run(save)).contains("web\n");
        // A reload that changes nothing keeps the running TLS contexts, and with them the sessions to resume.
        assertThat(forwarder.reload(config).outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);
        List<String> resume = new ArrayList<>(sClientCommand(forwarder.port(), "www.example.test"));
        resume.addAll(List.of("-sess_in", session.toString()));
        assertThat(run(resume)).contains("web\n");

        String scrape = new AdminHttp(forwarder.adminUrl()).get("/metrics").body();
        assertThat(AdminHttp.metric(scrape, "portfw_listener_tls_handshakes_total", "listener=\"tls\"")).isEqualTo(5);
        assertThat(AdminHttp.metric(scrape, "portfw_listener_tls_resumed_total", "listener=\"tls\"")).isEqualTo(1);
        assertThat(AdminHttp.metric(scrape, "portfw_listener_tls_certificate_expiry",
            "certificate=\"" + api.chain() + "\"")).isGreaterThan(System.currentTimeMillis() / 1000.0 + 20 * 86400);
    }
  }

  @Test
  void curl_reachesAPlaintextHttpBackend_verifiedByName() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    http.createContext("/", exchange -> {
      byte[] body = "hello over tls\n".getBytes(StandardCharsets.US_ASCII);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    http.start();
    try (RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "https", "listen": "127.0.0.1:%d", "pool": "web",
                                "tls": { "certificates": [ { "cert": "%s", "key": "%s" } ] } } ],
               "pools": [ { "name": "web", "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
             """.formatted(Ports.free(), www.chain(), www.key(), http.getAddress().getPort()))) {
      for (int i = 0; i < 3; i++) {
        String body = run(List.of("curl", "-sS", "--max-time", "10", "--cacert", ca.ca().toString(), "--resolve",
            "www.example.test:" + forwarder.port() + ":127.0.0.1", "https://www.example.test:" + forwarder.port() + "/"));
        assertThat(body).isEqualTo("hello over tls\n");
      }
    } finally {
      http.stop(0);
    }
  }

  /** Routes by ALPN: the protocol negotiated when TLS ends here, the ones offered when it passes through. */
  @Test
  void routesByAlpn_terminatedAndPassedThrough() throws Exception {
    try (TaggedBackend web = new TaggedBackend("web"); TaggedBackend h2 = new TaggedBackend("h2");
         TaggedBackend passWeb = new TaggedBackend("pass-web"); TaggedBackend passH2 = new TaggedBackend("pass-h2");
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "tls", "listen": "127.0.0.1:%d", "pool": "web",
                                "tls": { "certificates": [ { "cert": "%s", "key": "%s" } ], "alpn": ["h2", "http/1.1"] },
                                "routes": [ { "alpn": "h2", "pool": "h2" } ] },
                              { "name": "pass", "listen": "127.0.0.1:%d", "pool": "passWeb",
                                "routes": [ { "alpn": "h2", "pool": "passH2" } ] } ],
               "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] },
                          { "name": "h2", "backends": [ { "address": "%s" } ] },
                          { "name": "passWeb", "backends": [ { "address": "%s" } ] },
                          { "name": "passH2", "backends": [ { "address": "%s" } ] } ] }
             """.formatted(Ports.free(), www.chain(), www.key(), Ports.free(), web.address(), h2.address(),
             passWeb.address(), passH2.address()))) {
      int terminating = forwarder.port("tls");
      int passthrough = forwarder.port("pass");
      List<String> asH2 = new ArrayList<>(sClientCommand(terminating, "www.example.test"));
      asH2.addAll(List.of("-alpn", "h2"));
      assertThat(run(asH2)).contains("h2\n");
      List<String> asHttp1 = new ArrayList<>(sClientCommand(terminating, "www.example.test"));
      asHttp1.addAll(List.of("-alpn", "http/1.1"));
      assertThat(run(asHttp1)).contains("web\n");

      // Passed through: the backends speak no TLS, so only where each ClientHello went tells.
      List<String> offersH2 = new ArrayList<>(sClientCommand(passthrough, "www.example.test"));
      offersH2.addAll(List.of("-alpn", "http/1.1,h2"));
      run(offersH2);
      Eventually.holds(Duration.ofSeconds(5), "offering h2 went to passH2", () -> passH2.accepted() == 1);
      List<String> offersHttp1 = new ArrayList<>(sClientCommand(passthrough, "www.example.test"));
      offersHttp1.addAll(List.of("-alpn", "http/1.1"));
      run(offersHttp1);
      Eventually.holds(Duration.ofSeconds(5), "the other to passWeb", () -> passWeb.accepted() == 1);
      assertThat(passH2.accepted()).isEqualTo(1);
    }
  }

  /** A PROXY v2 header after TLS ends here carries what the handshake settled, as HAProxy sends it. */
  @Test
  void proxyV2_toTheBackend_carriesTheTlsFacts() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "tls", "listen": "127.0.0.1:%d", "pool": "web",
                                "tls": { "certificates": [ { "cert": "%s", "key": "%s" } ], "alpn": ["http/1.1"],
                                         "clientAuth": "optional", "clientCa": "%s" } } ],
               "pools": [ { "name": "web", "proxyProtocol": "v2", "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
             """.formatted(Ports.free(), www.chain(), www.key(), ca.ca(), backend.getLocalPort()))) {
      List<String> command = new ArrayList<>(sClientCommand(forwarder.port(), "www.example.test"));
      command.addAll(List.of("-alpn", "http/1.1", "-cert", alice.cert().toString(), "-key", alice.key().toString()));
      Process client = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (Socket accepted = backend.accept()) {
        accepted.setSoTimeout(10_000);
        byte[] start = new byte[16];
        new DataInputStream(accepted.getInputStream()).readFully(start);
        int length = ((start[14] & 0xff) << 8) | (start[15] & 0xff);
        byte[] rest = accepted.getInputStream().readNBytes(length);
        EmbeddedChannel decoder = new EmbeddedChannel(new HAProxyMessageDecoder());
        decoder.writeInbound(Unpooled.wrappedBuffer(start, rest));
        HAProxyMessage header = decoder.readInbound();
        Map<HAProxyTLV.Type, String> tlvs = new HashMap<>();
        HAProxySSLTLV ssl = null;
        for (HAProxyTLV tlv : header.tlvs()) {
          if (tlv instanceof HAProxySSLTLV s) {
            ssl = s;
          } else {
            tlvs.put(tlv.type(), tlv.content().toString(StandardCharsets.UTF_8));
          }
        }
        assertThat(tlvs).containsEntry(HAProxyTLV.Type.PP2_TYPE_ALPN, "http/1.1")
            .containsEntry(HAProxyTLV.Type.PP2_TYPE_AUTHORITY, "www.example.test");
        assertThat(ssl).isNotNull();
        assertThat(ssl.isPP2ClientSSL()).isTrue();
        assertThat(ssl.isPP2ClientCertConn()).as("a client certificate on this connection").isTrue();
        assertThat(ssl.verify()).isZero();
        Map<HAProxyTLV.Type, String> inner = new HashMap<>();
        ssl.encapsulatedTLVs().forEach(t -> inner.put(t.type(), t.content().toString(StandardCharsets.UTF_8)));
        assertThat(inner).containsEntry(HAProxyTLV.Type.PP2_TYPE_SSL_VERSION, "TLSv1.3")
            .containsEntry(HAProxyTLV.Type.PP2_TYPE_SSL_CN, "alice");
        header.release();
      } finally {
        client.destroy();
        client.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The verified client certificate picks the pool: routes by its common name. */
  @Test
  void routesByClientCertificate_sendItsHolderToItsPool() throws Exception {
    try (TaggedBackend web = new TaggedBackend("web"); TaggedBackend alices = new TaggedBackend("alices");
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "tls", "listen": "127.0.0.1:%d", "pool": "web",
                                "tls": { "certificates": [ { "cert": "%s", "key": "%s" } ],
                                         "clientAuth": "optional", "clientCa": "%s" },
                                "routes": [ { "clientCn": "alice", "pool": "alices" } ] } ],
               "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] },
                          { "name": "alices", "backends": [ { "address": "%s" } ] } ] }
             """.formatted(Ports.free(), www.chain(), www.key(), ca.ca(), web.address(), alices.address()))) {
      List<String> asAlice = new ArrayList<>(sClientCommand(forwarder.port(), "www.example.test"));
      asAlice.addAll(List.of("-cert", alice.cert().toString(), "-key", alice.key().toString()));
      assertThat(run(asAlice)).contains("alices\n");
      assertThat(sClient(forwarder.port(), "www.example.test")).as("no certificate: the listener's pool")
          .contains("web\n");
    }
  }

  @Test
  void clientCertificates_required_refuseClientsWithout_andNameThoseWith() throws Exception {
    try (TaggedBackend web = new TaggedBackend("web");
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "mtls", "listen": "127.0.0.1:%d", "pool": "web",
                                "tls": { "certificates": [ { "cert": "%s", "key": "%s" } ],
                                         "clientAuth": "required", "clientCa": "%s" } } ],
               "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] } ] }
             """.formatted(Ports.free(), www.chain(), www.key(), ca.ca(), web.address()))) {
        String without = sClient(forwarder.port(), "www.example.test");
        assertThat(without).doesNotContain("web\n");
        Eventually.holds(Duration.ofSeconds(10), "the refusal is counted",
            () -> forwarder.runtime().refusedConnections("mtls", Refusal.TLS_HANDSHAKE) == 1);

        List<String> withCert = new ArrayList<>(sClientCommand(forwarder.port(), "www.example.test"));
        withCert.addAll(List.of("-cert", alice.cert().toString(), "-key", alice.key().toString()));
        assertThat(run(withCert)).contains("web\n");
        assertThat(web.accepted()).isEqualTo(1);
        String scrape = new AdminHttp(forwarder.adminUrl()).get("/metrics").body();
        assertThat(AdminHttp.metric(scrape, "portfw_listener_tls_handshake_failures_total", "listener=\"mtls\"",
            "reason=\"certificate\"")).isEqualTo(1);
    }
  }

  @Test
  void liveConnections_showWhatTheHandshakeSettled() throws Exception {
    try (EchoBackend web = new EchoBackend(); // holds the connection while the client says nothing
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "tls", "listen": "127.0.0.1:%d", "pool": "web",
                                "tls": { "certificates": [ { "cert": "%s", "key": "%s" } ], "alpn": ["h2", "http/1.1"],
                                         "clientAuth": "optional", "clientCa": "%s" } } ],
               "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] } ] }
             """.formatted(Ports.free(), www.chain(), www.key(), ca.ca(), web.address()))) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + forwarder.port(),
            "-servername", "www.example.test", "-CAfile", ca.ca().toString(), "-alpn", "http/1.1",
            "-cert", alice.cert().toString(), "-key", alice.key().toString(), "-quiet"));
        Process held = new ProcessBuilder(command).redirectErrorStream(true).start(); // stdin open: the connection stays
        try {
          AdminHttp admin = new AdminHttp(forwarder.adminUrl());
          // Listed from its accept on; its tls facts once the handshake is done.
          Eventually.holds(Duration.ofSeconds(10), "the connection is listed with its handshake",
              () -> listed(admin) == 1 && handshakeListed(admin));
          JsonObject c = admin.get("/api/v1/connections").json().getJsonArray("connections").getJsonObject(0);
          JsonObject tls = c.getJsonObject("tls");
          assertThat(tls.getString("serverName")).isEqualTo("www.example.test");
          assertThat(tls.getString("protocol")).isEqualTo("TLSv1.3");
          assertThat(tls.getString("alpn")).isEqualTo("http/1.1");
          assertThat(tls.getString("cipher")).isNotBlank();
          assertThat(tls.getString("clientSubject")).contains("CN=alice");
        } finally {
          held.destroy();
          held.waitFor(10, TimeUnit.SECONDS);
        }
    }
  }

  private static boolean handshakeListed(AdminHttp admin) {
    try {
      return admin.get("/api/v1/connections").json().getJsonArray("connections").getJsonObject(0).getJsonObject("tls")
          != null;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int listed(AdminHttp admin) {
    try {
      return admin.get("/api/v1/connections").json().getJsonArray("connections").size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> sClientCommand(int port, String serverName) {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
        "-CAfile", ca.ca().toString(), "-verify_return_error", "-ign_eof", "-brief"));
    if (serverName != null) {
      command.addAll(List.of("-servername", serverName));
    } else {
      command.add("-noservername");
    }
    return command;
  }

  /** One s_client session with stdin closed: what it printed (the backend's words, the peer certificate, the verdict). */
  private static String sClient(int port, String serverName) throws Exception {
    return run(sClientCommand(port, serverName));
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s finished", command.get(0)).isTrue();
    return out;
  }
}
