package io.portfw.core.it;

import static io.portfw.testing.AdminHttp.metric;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.Backend;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.Eventually;
import io.portfw.testing.OpenFiles;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.UdpEchoBackend;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** UDP sessions through portfw between real datagram sockets on loopback. */
class UdpForwardingIT {

  @Test
  void sessions_keepTheirBackend_repliesComeFromTheListener_boundariesKept() throws Exception {
    try (UdpEchoBackend a = new UdpEchoBackend("a:");
         UdpEchoBackend b = new UdpEchoBackend("b:");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), "", a.address(), b.address()))) {
      int port = forwarder.port();
      Map<String, Integer> perBackend = new HashMap<>();
      for (int c = 0; c < 10; c++) {
        try (DatagramSocket client = client()) {
          String first = null;
          for (int i = 0; i < 5; i++) {
            DatagramPacket reply = exchange(client, port, ("c" + c + "-" + i).getBytes(StandardCharsets.US_ASCII));
            assertThat(reply.getSocketAddress()).as("replies come from the public address")
                .isEqualTo(new InetSocketAddress("127.0.0.1", port));
            String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
            assertThat(text).endsWith(":c" + c + "-" + i);
            String tag = text.substring(0, 1);
            first = first == null ? tag : first;
            assertThat(tag).as("a session keeps its backend").isEqualTo(first);
          }
          perBackend.merge(first, 1, Integer::sum);
        }
      }
      assertThat(perBackend).as("round robin spreads sessions").isEqualTo(Map.of("a", 5, "b", 5));
      assertThat(a.sources()).as("one backend socket per session").hasSize(5);

      try (DatagramSocket client = client()) {
        for (int size : new int[] {1, 2048, 4000, 60_000, 65_505}) {
          byte[] payload = new byte[size];
          new Random(size).nextBytes(payload);
          DatagramPacket reply = exchange(client, port, payload);
          assertThat(reply.getLength()).as("datagram of %d bytes", size).isEqualTo(size + 2);
          assertThat(Arrays.copyOfRange(reply.getData(), 2, reply.getLength())).isEqualTo(payload);
        }
        // An empty datagram cannot be forwarded (Netty sends none of zero length): it is dropped and counted.
        client.send(new DatagramPacket(new byte[0], 0, InetAddress.getLoopbackAddress(), port));
        Eventually.holds(Duration.ofSeconds(5), "the empty datagram counted",
            () -> forwarder.runtime().udpDropped("dns", io.portfw.core.observe.UdpDrop.EMPTY) == 1);
        assertThat(new String(exchange(client, port, "after".getBytes(StandardCharsets.US_ASCII)).getData(), 2, 5,
            StandardCharsets.US_ASCII)).isEqualTo("after");
      }
    }
  }

  @Test
  void responsesOne_endsEachSessionAfterItsReply_andIdleSessionsCloseTheirSockets() throws Exception {
    try (UdpEchoBackend a = new UdpEchoBackend("a:");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(),
             "\"responses\": 1, \"sessionIdle\": \"500ms\",", a.address()))) {
      int port = forwarder.port();
      long baseline = OpenFiles.count();
      try (DatagramSocket client = client()) {
        for (int i = 0; i < 20; i++) {
          exchange(client, port, new byte[] {(byte) i});
        }
      }
      assertThat(a.sources()).as("a new session, and backend socket, for each request").hasSize(20);
      Eventually.holds(Duration.ofSeconds(5), "sessions ended", () -> forwarder.runtime().connections().count() == 0);

      for (int i = 0; i < 30; i++) {
        try (DatagramSocket other = client()) {
          other.send(new DatagramPacket(new byte[] {1}, 1, InetAddress.getLoopbackAddress(), port));
        }
      }
      Eventually.holds(Duration.ofSeconds(5), "thirty sessions", () -> a.received() >= 50);
      Eventually.holds(Duration.ofSeconds(10), "idle sessions expire and close their sockets",
          () -> forwarder.runtime().connections().count() == 0 && OpenFiles.count() <= baseline + 2);
      Backend backend = forwarder.runtime().pool("p").backends().get(0);
      assertThat(backend.activeConnections()).isZero();
      assertThat(backend.totalConnections()).isEqualTo(50);

      String m = new AdminHttp(forwarder.adminUrl()).get("/metrics").body();
      assertThat(metric(m, "portfw_listener_datagrams_received_total", "listener=\"dns\"")).isEqualTo(50);
      assertThat(metric(m, "portfw_listener_datagrams_sent_total", "listener=\"dns\"")).isEqualTo(50);
      assertThat(metric(m, "portfw_listener_bytes_received_total", "listener=\"dns\"")).isEqualTo(50);
      assertThat(metric(m, "portfw_listener_bytes_sent_total", "listener=\"dns\"")).isEqualTo(150);
      assertThat(metric(m, "portfw_listener_connections_total", "listener=\"dns\"")).as("sessions created").isEqualTo(50);
      assertThat(metric(m, "portfw_listener_connections_active", "listener=\"dns\"")).isZero();
      assertThat(metric(m, "portfw_listener_datagrams_dropped_total", "listener=\"dns\"")).isZero();
      assertThat(metric(m, "portfw_backend_bytes_received_total", "pool=\"p\"")).isEqualTo(150);
      var api = new AdminHttp(forwarder.adminUrl()).get("/api/v1/listeners").json().getJsonArray("listeners").getJsonObject(0);
      assertThat(api.getString("protocol")).isEqualTo("udp");
      assertThat(api.getLong("datagramsReceived")).isEqualTo(50);
      assertThat(api.getLong("datagramsSent")).isEqualTo(50);
    }
  }

  @Test
  void stoppedBackend_newSessionsGoToTheOther() throws Exception {
    int portA = Ports.free();
    UdpEchoBackend a = new UdpEchoBackend("a:", portA);
    try (UdpEchoBackend b = new UdpEchoBackend("b:");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(),
             "\"responses\": 1,", "127.0.0.1:" + portA, b.address()).replace("\"pools\": [ { \"name\": \"p\",",
             "\"pools\": [ { \"name\": \"p\", \"health\": { \"type\": \"send-expect\", \"protocol\": \"udp\", "
                 + "\"send\": \"ping\", \"expect\": \"ping\", \"interval\": \"200ms\", \"timeout\": \"300ms\", \"fall\": 2 },"))) {
      int port = forwarder.port();
      Eventually.holds(Duration.ofSeconds(5), "both checked up", () -> forwarder.runtime().pool("p").backends().stream()
          .allMatch(x -> forwarder.runtime().health().stats("p", x.address()).map(s -> s.run() > 0).orElse(false)));
      a.close();
      Eventually.holds(Duration.ofSeconds(5), "a down", () -> !forwarder.runtime().pool("p").backends().get(0).isUsable());
      try (DatagramSocket client = client()) {
        for (int i = 0; i < 6; i++) {
          String text = new String(exchange(client, port, new byte[] {'x'}).getData(), 0, 3, StandardCharsets.US_ASCII);
          assertThat(text).isEqualTo("b:x");
        }
      }
    }
  }

  @Test
  void aLiveSessionLeavesABackendThatIsTakenOut() throws Exception {
    try (UdpEchoBackend a = new UdpEchoBackend("a:");
         UdpEchoBackend b = new UdpEchoBackend("b:");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), "", a.address(), b.address()));
         DatagramSocket client = client()) {
      int port = forwarder.port();
      assertThat(text(exchange(client, port, "1".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("a:1");
      forwarder.runtime().pool("p").backends().get(0).admin(io.portfw.balancing.AdminState.DISABLED);
      assertThat(text(exchange(client, port, "2".getBytes(StandardCharsets.US_ASCII))))
          .as("the same client, its next datagram").isEqualTo("b:2");
      assertThat(forwarder.runtime().pool("p").backends().get(0).activeConnections()).isZero();
    }
  }

  @Test
  void aRangeThatCannotBindWhole_leavesNoPortBound() throws Exception {
    int first = Ports.freeRange(2, "127.0.0.1");
    try (UdpEchoBackend a = new UdpEchoBackend("a:");
         DatagramSocket taken = new DatagramSocket(first + 1, InetAddress.getLoopbackAddress())) {
      String json = config(first, "", a.address()).replace("127.0.0.1:" + first, "127.0.0.1:" + first + "-" + (first + 1));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunningForwarder.start(json))
          .hasMessageContaining(String.valueOf(first + 1));
      try (DatagramSocket free = new DatagramSocket(first, InetAddress.getLoopbackAddress())) {
        assertThat(free.getLocalPort()).as("the port that did bind was let go").isEqualTo(first);
      }
    }
  }

  private static String text(DatagramPacket p) {
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
  }

  @Test
  void garbageFromManySourcePorts_doesNotBlockOtherClients() throws Exception {
    try (UdpEchoBackend a = new UdpEchoBackend("a:");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(),
             "\"sessionIdle\": \"1s\", \"maxSessions\": 50,", a.address()))) {
      int port = forwarder.port();
      Random random = new Random(7);
      for (int s = 0; s < 200; s++) {
        try (DatagramSocket noisy = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
          for (int i = 0; i < 5; i++) {
            byte[] junk = new byte[random.nextInt(1400)];
            random.nextBytes(junk);
            noisy.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), port));
          }
        }
      }
      try (DatagramSocket client = client()) {
        assertThat(new String(exchange(client, port, "ok?".getBytes(StandardCharsets.US_ASCII)).getData(), 0, 5,
            StandardCharsets.US_ASCII)).isEqualTo("a:ok?");
      }
      Eventually.holds(Duration.ofSeconds(10), "the table stays within maxSessions and drains",
          () -> forwarder.runtime().connections().count() == 0);
    }
  }

  private static DatagramSocket client() throws IOException {
    DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    s.setSoTimeout(5_000);
    s.setReceiveBufferSize(1 << 20);
    return s;
  }

  /** Sends one datagram and waits for one back, retrying a few times: UDP may drop. */
  private static DatagramPacket exchange(DatagramSocket client, int port, byte[] payload) throws IOException {
    for (int attempt = 0; ; attempt++) {
      client.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port));
      DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
      try {
        client.receive(reply);
        return reply;
      } catch (SocketTimeoutException lost) {
        if (attempt == 2) {
          throw lost;
        }
      }
    }
  }

  private static String config(int port, String listenerKeys, String... backends) {
    StringBuilder list = new StringBuilder();
    for (String b : backends) {
      list.append(list.isEmpty() ? "" : ", ").append("{ \"address\": \"").append(b).append("\" }");
    }
    return """
        { "listeners": [ { "name": "dns", "protocol": "udp", %s "timeouts": { "drain": "1s" }, "listen": "127.0.0.1:%d", "pool": "p" } ],
          "pools": [ { "name": "p", "backends": [ %s ] } ] }
        """.formatted(listenerKeys, port, list);
  }
}
