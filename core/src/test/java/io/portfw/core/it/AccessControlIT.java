package io.portfw.core.it;

import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static io.portfw.testing.Clients.from;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.Refusal;
import io.portfw.core.observe.UdpDrop;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.UdpEchoBackend;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The listener as a firewall: access lists and limits, IPv4 and IPv6, with every refusal counted by reason. */
class AccessControlIT {

  @Test
  void acl_denyFirst_thenAllow_ipv4AndIpv6() throws Exception {
    int denied = Ports.free();
    int notAllowed = Ports.free();
    int allowed = Ports.free();
    int v6Denied = Ports.free();
    int v6Allowed = Ports.free();
    try (EchoBackend echo = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [
                 { "name": "denied", "listen": "127.0.0.1:%d", "pool": "p", "acl": { "allow": ["127.0.0.0/8"], "deny": ["127.0.0.1"] } },
                 { "name": "not-allowed", "listen": "127.0.0.1:%d", "pool": "p", "acl": { "allow": ["10.0.0.0/8", "2001:db8::/32"] } },
                 { "name": "allowed", "listen": "127.0.0.1:%d", "pool": "p", "acl": { "allow": ["127.0.0.0/8"], "deny": ["10.0.0.0/8"] } },
                 { "name": "v6-denied", "listen": "[::1]:%d", "pool": "p", "acl": { "deny": ["::1/128"] } },
                 { "name": "v6-allowed", "listen": "[::1]:%d", "pool": "p", "acl": { "allow": ["::/0"], "deny": ["2001:db8::/32"] } } ],
               "pools": [ { "name": "p", "backends": [ { "address": "%s" } ] } ] }
             """.formatted(denied, notAllowed, allowed, v6Denied, v6Allowed, echo.address()))) {
      assertThat(answers("127.0.0.1", denied)).isFalse();
      assertThat(answers("127.0.0.1", notAllowed)).isFalse();
      assertThat(answers("127.0.0.1", allowed)).isTrue();
      assertThat(answers("::1", v6Denied)).isFalse();
      assertThat(answers("::1", v6Allowed)).isTrue();
      assertThat(forwarder.refusedConnections("denied", Refusal.ACL)).isEqualTo(1);
      assertThat(forwarder.refusedConnections("not-allowed", Refusal.ACL)).isEqualTo(1);
      assertThat(forwarder.refusedConnections("v6-denied", Refusal.ACL)).isEqualTo(1);
      assertThat(forwarder.refusedConnections("allowed", Refusal.ACL)).isZero();
      assertThat(echo.accepted()).as("refused clients never reach a backend").isEqualTo(2);
    }
  }

  @Test
  void maxConnections_andPerSource_refuseAtOnce_andFreeUpWhenConnectionsEnd() throws Exception {
    try (EchoBackend echo = new EchoBackend();
         RunningForwarder forwarder = limited("127.0.0.1", "\"maxConnections\": 3, \"maxConnectionsPerSource\": 2", echo)) {
      int port = forwarder.port();
      Socket a1 = from("127.0.0.1", port);
      Socket a2 = from("127.0.0.1", port);
      assertThat(echo(a1, "1")).isEqualTo("1");
      assertThat(echo(a2, "2")).isEqualTo("2");
      assertThat(answers("127.0.0.1", port)).as("a third from the same source").isFalse();
      Socket b1 = from("127.0.0.2", port);
      assertThat(echo(b1, "3")).as("another source still may").isEqualTo("3");
      assertThat(answers("127.0.0.3", port)).as("the listener is full").isFalse();
      assertThat(forwarder.refusedConnections("l", Refusal.SOURCE_LIMIT)).isEqualTo(1);
      assertThat(forwarder.refusedConnections("l", Refusal.LIMIT)).isEqualTo(1);

      a1.close();
      Eventually.holds(Duration.ofSeconds(5), "a slot is free again", () -> answersQuietly("127.0.0.1", port));
      a2.close();
      b1.close();
    }
  }

  @Test
  void perSourceLimit_overIpv6() throws Exception {
    try (EchoBackend echo = new EchoBackend();
         RunningForwarder forwarder = limited("[::1]", "\"maxConnectionsPerSource\": 1", echo)) {
      int port = forwarder.port();
      try (Socket first = new Socket()) {
        first.connect(new InetSocketAddress("::1", port), 5000);
        first.setSoTimeout(10_000);
        assertThat(echo(first, "one")).isEqualTo("one");
        assertThat(answers("::1", port)).isFalse();
        assertThat(forwarder.refusedConnections("l", Refusal.SOURCE_LIMIT)).isEqualTo(1);
      }
      Eventually.holds(Duration.ofSeconds(5), "free again", () -> answersQuietly("::1", port));
    }
  }

  @Test
  void connectionRate_perSource_isATokenBucket() throws Exception {
    try (EchoBackend echo = new EchoBackend();
         RunningForwarder forwarder = limited("127.0.0.1", "\"connectionRate\": 5", echo)) {
      int port = forwarder.port();
      int served = 0;
      for (int i = 0; i < 12; i++) {
        served += answers("127.0.0.1", port) ? 1 : 0;
      }
      long refused = forwarder.refusedConnections("l", Refusal.RATE_LIMIT);
      assertThat(served + refused).isEqualTo(12);
      assertThat(served).as("a burst of one second's worth, and what refilled meanwhile").isBetween(5, 8);
      assertThat(answers("127.0.0.2", port)).as("another source has its own bucket").isTrue();
      // Refused attempts take no token, so polling does not hold the refill back; the deadline is the old 1.1 s.
      Eventually.holds(Duration.ofMillis(1100), "refilled", () -> answersQuietly("127.0.0.1", port));
    }
  }

  @Test
  void udpAcl_dropsDatagramsOfDeniedSources() throws Exception {
    try (UdpEchoBackend backend = new UdpEchoBackend("u:");
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "dns", "protocol": "udp", "timeouts": { "drain": "1s" }, "listen": "127.0.0.1:%d", "pool": "p",
                                "acl": { "deny": ["127.0.0.2"] } } ],
               "pools": [ { "name": "p", "backends": [ { "address": "%s" } ] } ] }
             """.formatted(Ports.free(), backend.address()));
         DatagramSocket denied = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0));
         DatagramSocket allowed = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      int port = forwarder.port();
      denied.send(new DatagramPacket(new byte[] {1}, 1, InetAddress.getLoopbackAddress(), port));
      allowed.setSoTimeout(5000);
      allowed.send(new DatagramPacket(new byte[] {2}, 1, InetAddress.getLoopbackAddress(), port));
      allowed.receive(new DatagramPacket(new byte[16], 16));
      Eventually.holds(Duration.ofSeconds(5), "the denied datagram counted",
          () -> forwarder.runtime().udpDropped("dns", UdpDrop.REFUSED) == 1);
      assertThat(forwarder.refusedConnections("dns", Refusal.ACL)).isEqualTo(1);
      assertThat(backend.received()).isEqualTo(1);
    }
  }

  /** One listener "l" on {@code host} with these {@code limits}, in front of the echo backend. */
  private static RunningForwarder limited(String host, String limits, EchoBackend echo) throws Exception {
    return RunningForwarder.start("""
        { "listeners": [ { "name": "l", "listen": "%s:%d", "pool": "p", "limits": { %s } } ],
          "pools": [ { "name": "p", "backends": [ { "address": "%s" } ] } ] }
        """.formatted(host, Ports.free(), limits, echo.address()));
  }

  /** Whether a connection from {@code local} gets its echo; false when portfw resets or closes it. */
  private static boolean answers(String local, int port) throws IOException {
    boolean v6 = local.contains(":");
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(local, 0));
      s.connect(new InetSocketAddress(v6 ? "::1" : "127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      return echo(s, "hi").equals("hi");
    } catch (IOException refused) {
      return false;
    }
  }

  private static boolean answersQuietly(String local, int port) {
    try {
      return answers(local, port);
    } catch (IOException e) {
      return false;
    }
  }
}
