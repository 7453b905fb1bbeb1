package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.DnsQueries;
import io.portfw.testing.Dnsmasq;
import io.portfw.testing.Eventually;
import io.portfw.testing.ExternalDaemon;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real DNS server (dnsmasq) behind a UDP listener, asked by real DNS clients (Vert.x's resolver client and dig). */
class DnsForwardingIT {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void manyClientsAtOnce_getTheRightAnswers() throws Exception {
    try (Dnsmasq dns = Dnsmasq.start("www.portfw.test=10.0.0.1", "mail.portfw.test=10.0.0.25");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), "", dns.address()))) {
      int port = forwarder.port();
      List<Future<String>> answers = new ArrayList<>();
      for (int c = 0; c < 20; c++) {
        DnsClient client = client(port);
        for (int q = 0; q < 10; q++) {
          answers.add(client.lookup4(q % 2 == 0 ? "www.portfw.test" : "mail.portfw.test"));
        }
      }
      Future.join(answers).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (int i = 0; i < answers.size(); i++) {
        assertThat(answers.get(i).result()).isEqualTo(i % 2 == 0 ? "10.0.0.1" : "10.0.0.25");
      }
      assertThat(dig(port, "mail.portfw.test")).isEqualTo("10.0.0.25");
      Eventually.holds(Duration.ofSeconds(5), "responses: 1 ended every session",
          () -> forwarder.runtime().connections().count() == 0);
      // A resolver sends its queries from one port, several at once: its session lasts until every one is answered.
      assertThat(forwarder.runtime().acceptedConnections("dns")).isBetween(21L, 201L);
    }
  }

  @Test
  void twoServers_shareTheSessions_andAStoppedOneIsSkipped() throws Exception {
    Dnsmasq a = Dnsmasq.start("www.portfw.test=10.0.0.1");
    try (Dnsmasq b = Dnsmasq.start("www.portfw.test=10.0.0.2");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), dnsCheck(),
             a.address(), b.address()))) {
      int port = forwarder.port();
      Eventually.holds(Duration.ofSeconds(5), "both checked", () -> forwarder.runtime().pool("dns").backends().stream()
          .allMatch(x -> forwarder.runtime().health().stats("dns", x.address()).map(s -> s.run() > 0).orElse(false)));
      assertThat(forwarder.runtime().pool("dns").backends()).allMatch(x -> x.isUsable());
      DnsClient client = client(port);
      Map<String, Integer> answers = new HashMap<>();
      for (int q = 0; q < 10; q++) {
        answers.merge(client.lookup4("www.portfw.test").toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS), 1, Integer::sum);
      }
      // Exact shares are UdpForwardingIT's business; here: both real servers answer their share.
      assertThat(answers.keySet()).as("sessions spread over both servers").containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
      assertThat(answers.values()).allMatch(n -> n >= 3);

      a.close();
      Eventually.holds(Duration.ofSeconds(5), "the stopped server is down",
          () -> !forwarder.runtime().pool("dns").backends().get(0).isUsable());
      for (int q = 0; q < 6; q++) {
        assertThat(client.lookup4("www.portfw.test").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .isEqualTo("10.0.0.2");
      }
    }
  }

  /** An active UDP check that asks the server a real question and expects an answer with the same id. */
  private static String dnsCheck() {
    byte[] query = DnsQueries.query(0x4242, "www.portfw.test");
    StringBuilder send = new StringBuilder();
    for (byte b : query) {
      send.append(String.format("\\u%04x", b & 0xff));
    }
    return "\"health\": { \"type\": \"send-expect\", \"protocol\": \"udp\", \"send\": \"" + send
        + "\", \"expect\": \"^BB\", \"interval\": \"200ms\", \"timeout\": \"500ms\", \"fall\": 1 },";
  }

  private DnsClient client(int port) {
    return vertx.createDnsClient(new DnsClientOptions().setHost("127.0.0.1").setPort(port).setQueryTimeout(3000));
  }

  private static String dig(int port, String name) throws Exception {
    ExternalDaemon.requireInstalled(Path.of("/usr/bin/dig"), "bind9-dnsutils");
    Process p = new ProcessBuilder("dig", "@127.0.0.1", "-p", String.valueOf(port), name, "A", "+short", "+tries=2",
        "+time=3").redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
  }

  private static String config(int port, String poolKeys, String... backends) {
    StringBuilder list = new StringBuilder();
    for (String b : backends) {
      list.append(list.isEmpty() ? "" : ", ").append("{ \"address\": \"").append(b).append("\" }");
    }
    return """
        { "listeners": [ { "name": "dns", "protocol": "udp", "listen": "127.0.0.1:%d", "pool": "dns", "responses": 1 } ],
          "pools": [ { "name": "dns", %s "backends": [ %s ] } ] }
        """.formatted(port, poolKeys, list);
  }
}
