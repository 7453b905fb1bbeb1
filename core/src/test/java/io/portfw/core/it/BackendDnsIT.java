package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.Refusal;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.Clients;
import io.portfw.testing.Dnsmasq;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Backends given by host name, resolved through a real DNS server (dnsmasq) whose answer changes
 * while portfw runs: new connections follow the new answer, a connection made before stays, and
 * a DNS server that stops answering leaves the last answer in use.
 */
class BackendDnsIT {

  @Test
  void changedAnswer_movesNewConnections_andAFailingServerKeepsTheLastAnswer() throws Exception {
    int backendPort = Ports.free();
    Path hosts = Files.createTempFile("portfw-hosts", ".txt");
    Files.writeString(hosts, "127.0.0.1 app.portfw.test\n");
    int port = Ports.free();
    try (TaggedBackend one = new TaggedBackend("one", "127.0.0.1", backendPort);
         TaggedBackend two = new TaggedBackend("two", "127.0.0.2", backendPort);
         Dnsmasq dns = Dnsmasq.withHostsFile(hosts)) {
      try (RunningForwarder forwarder = RunningForwarder.start("""
          { "dns": { "servers": ["%s"], "minTtl": "200ms" },
            "listeners": [ { "name": "app", "listen": "127.0.0.1:%d", "pool": "app" },
                           { "name": "gone", "listen": "127.0.0.1:%d", "pool": "gone" } ],
            "pools": [ { "name": "app", "backends": [ { "address": "app.portfw.test:%d" } ] },
                       { "name": "gone", "backends": [ { "address": "nosuch.portfw.test:%d" } ] } ] }
          """.formatted(dns.address(), port, Ports.free(), backendPort, backendPort))) {
        // Resolved before the listener accepted anything.
        assertThat(Clients.answerOf(port)).isEqualTo("one");
        assertThat(new AdminHttp(forwarder.adminUrl()).get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0)
            .getJsonArray("backends").getJsonObject(0).getString("ip")).isEqualTo("127.0.0.1");

        Socket before = Clients.connect(port);
        assertThat(new String(before.getInputStream().readNBytes(3))).isEqualTo("one");

        Files.writeString(hosts, "127.0.0.2 app.portfw.test\n");
        dns.reload();
        Eventually.holds(Duration.ofSeconds(10), () -> "new connections to the new address", () -> answerIs(port, "two"));
        assertThat(before.isClosed()).isFalse();
        before.close();

        dns.close(); // lookups fail from now on
        // A few lookups' worth at minTtl 200ms: every connection meanwhile still gets the last answer.
        Eventually.holdsFor(Duration.ofMillis(600), "the last answer stays in use", () -> answerIs(port, "two"));

        // A name with no answer at all: its clients are turned away as for a backend that refuses.
        int gone = forwarder.runtime().config().listeners().get(1).listen().firstPort();
        assertThat(Clients.answerOf(gone)).as("turned away without a word").isEmpty();
        Eventually.holds(Duration.ofSeconds(5), () -> "refusal counted",
            () -> forwarder.refusedConnections("gone", Refusal.CONNECT_FAILED) >= 1);
      }
    } finally {
      Files.deleteIfExists(hosts);
    }
  }

  private static boolean answerIs(int port, String expected) {
    try {
      return Clients.answerOf(port).equals(expected);
    } catch (IOException e) {
      return false;
    }
  }
}
