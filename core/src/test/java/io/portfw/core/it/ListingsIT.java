package io.portfw.core.it;

import static io.portfw.testing.Clients.echo;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.ConfigLoader;
import io.portfw.core.cli.ForwardingTable;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.UdpEchoBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the operator's listings show: every live flow with its protocol, ports and expiry, and every pool a listener reaches. */
class ListingsIT {

  @Test
  void connections_showProtocolPortsBackendPortAndExpiry_udpSessionsToo() throws Exception {
    try (EchoBackend tcp = new EchoBackend(); UdpEchoBackend udp = new UdpEchoBackend("u")) {
      int udpPort = Ports.free();
      // A backend without a port keeps the client's: the listener is on 127.0.0.2 at the backend's port.
      String config = """
          { "listeners": [
              { "name": "keep", "listen": "127.0.0.2:%d", "pool": "keep", "timeouts": { "idle": "1m" } },
              { "name": "dns", "protocol": "udp", "listen": "127.0.0.1:%d", "pool": "dns", "sessionIdle": "20s",
                "timeouts": { "drain": "1s" } } ],
            "pools": [ { "name": "keep", "backends": [ { "address": "127.0.0.1" } ] },
                       { "name": "dns", "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
          """.formatted(tcp.port(), udpPort, udp.port());
      try (RunningForwarder forwarder = RunningForwarder.start(config);
           Socket client = new Socket("127.0.0.2", tcp.port());
           DatagramSocket datagrams = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        client.setSoTimeout(10_000);
        assertThat(echo(client, "hello")).isEqualTo("hello");
        datagrams.setSoTimeout(10_000);
        byte[] query = "q".getBytes(StandardCharsets.US_ASCII);
        datagrams.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), udpPort));
        datagrams.receive(new DatagramPacket(new byte[100], 100));
        Thread.sleep(1200); // quiet time, for the idle column

        AdminHttp admin = new AdminHttp(forwarder.adminUrl());
        JsonArray listed = admin.get("/api/v1/connections").json().getJsonArray("connections");
        JsonObject tcpFlow = only(listed, "tcp");
        assertThat(tcpFlow.getString("listener")).isEqualTo("keep");
        assertThat(tcpFlow.getInteger("localPort")).isEqualTo(tcp.port());
        assertThat(tcpFlow.getString("backend")).as("the real port of a keep-port backend")
            .isEqualTo("127.0.0.1:" + tcp.port());
        assertThat(tcpFlow.getLong("idleMs")).isBetween(1000L, 30_000L);
        assertThat(tcpFlow.getLong("idleTimeoutMs")).isEqualTo(60_000L);
        assertThat(tcpFlow.getLong("expiresInMs"))
            .isEqualTo(tcpFlow.getLong("idleTimeoutMs") - tcpFlow.getLong("idleMs"));

        JsonObject session = only(listed, "udp");
        assertThat(session.getString("listener")).isEqualTo("dns");
        assertThat(session.getInteger("localPort")).isEqualTo(udpPort);
        assertThat(session.getString("client")).isEqualTo("127.0.0.1:" + datagrams.getLocalPort());
        assertThat(session.getString("backend")).isEqualTo("127.0.0.1:" + udp.port());
        assertThat(session.getLong("idleTimeoutMs")).isEqualTo(20_000L);
        assertThat(session.getLong("expiresInMs")).isBetween(1L, 19_000L);
        assertThat(session.getLong("bytesFromClient")).isEqualTo(1);

        PortfwProcess cli = PortfwProcess.start("connections", "--admin", forwarder.adminUrl());
        assertThat(cli.exitCode()).as(cli.stderr()).isZero();
        String table = cli.stdout();
        assertThat(table).contains("prot", "port", "idle", "expires");
        assertThat(table.lines().filter(l -> l.startsWith("TCP")).findFirst().orElseThrow())
            .contains(client.getLocalAddress().getHostAddress() + ":" + client.getLocalPort(), "127.0.0.1:" + tcp.port(),
                "keep");
        assertThat(table.lines().filter(l -> l.startsWith("UDP")).findFirst().orElseThrow())
            .contains("127.0.0.1:" + datagrams.getLocalPort(), String.valueOf(udpPort), "127.0.0.1:" + udp.port());
        assertThat(table).contains("2 of 2 connections");
      }
    }
  }

  @Test
  void poolsReachedOnlyByServerName_areInStatusAndTheForwardingTable() throws Exception {
    try (EchoBackend own = new EchoBackend(); EchoBackend api = new EchoBackend(); EchoBackend shop = new EchoBackend()) {
      String config = """
          { "listeners": [ { "name": "tls", "listen": "127.0.0.1:%d", "pool": "web",
                             "routes": [ { "serverName": "api.example.com", "pool": "api" },
                                         { "serverName": "*.shop.example.com", "pool": "shop" },
                                         { "serverName": "shop.example.com", "pool": "shop" } ] } ],
            "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] },
                       { "name": "api", "backends": [ { "address": "%s" } ] },
                       { "name": "shop", "backends": [ { "address": "%s" } ] } ] }
          """.formatted(Ports.free(), own.address(), api.address(), shop.address());
      try (RunningForwarder forwarder = RunningForwarder.start(config)) {
        String table = ForwardingTable.render(ConfigLoader.parse(config, "test"), forwarder.runtime()::pool);
        assertThat(rowWith(table, own.address())).contains("tls", "web").doesNotContain("sni");
        assertThat(rowWith(table, api.address())).contains("tls", "api (sni api.example.com)");
        assertThat(rowWith(table, shop.address())).contains("shop (sni *.shop.example.com, shop.example.com)");

        PortfwProcess status = PortfwProcess.start("status", "--admin", forwarder.adminUrl());
        assertThat(status.exitCode()).as(status.stderr()).isZero();
        assertThat(rowWith(status.stdout(), api.address())).contains("tls", "api (sni api.example.com)", "up");
        assertThat(rowWith(status.stdout(), shop.address())).contains("shop (sni");
        assertThat(rowWith(status.stdout(), own.address())).contains("web").doesNotContain("sni");
      }
    }
  }

  private static String rowWith(String table, String text) {
    return table.lines().filter(l -> l.contains(text)).findFirst()
        .orElseThrow(() -> new AssertionError("no row with " + text + " in\n" + table));
  }

  private static JsonObject only(JsonArray listed, String protocol) {
    var matching = listed.stream().map(JsonObject.class::cast).filter(c -> protocol.equals(c.getString("protocol")))
        .toList();
    assertThat(matching).as("%s flows in %s", protocol, listed).hasSize(1);
    return matching.get(0);
  }
}
