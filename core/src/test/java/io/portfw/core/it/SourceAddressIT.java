package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.Clients;
import io.portfw.testing.PeerBackend;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.UdpEchoBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code source} key: backend connections made from a chosen local address (the inside interface
 * of a two-NIC gateway), here other loopback addresses, which Linux holds entirely local. The backends
 * report the address and port each connection came from.
 */
class SourceAddressIT {

  @Test
  void poolSource_andABackendsOwnSource_areWhereConnectionsComeFrom() throws Exception {
    try (PeerBackend backend = new PeerBackend()) {
      int poolWide = Ports.free();
      int ownSource = Ports.free();
      try (RunningForwarder fw = RunningForwarder.start("""
          { "listeners": [ { "name": "a", "listen": "127.0.0.1:%d", "pool": "a" },
                           { "name": "b", "listen": "127.0.0.1:%d", "pool": "b" } ],
            "pools": [ { "name": "a", "source": "127.0.0.2", "backends": [ { "address": "%s" } ] },
                       { "name": "b", "source": "127.0.0.2",
                         "backends": [ { "address": "%s", "source": "127.0.0.3" } ] } ] }
          """.formatted(poolWide, ownSource, backend.address(), backend.address()))) {
        assertThat(peerOf(poolWide)).startsWith("127.0.0.2 ");
        assertThat(peerOf(ownSource)).startsWith("127.0.0.3 ");
      }
    }
  }

  @Test
  void aPortRange_isUsedForEveryConnection_andEachPortServesSeveralBackendsAtOnce() throws Exception {
    int first = Ports.freeRange(10, "127.0.0.4");
    int last = first + 9;
    int port = Ports.free();
    try (PeerBackend one = new PeerBackend(); PeerBackend two = new PeerBackend();
        RunningForwarder fw = RunningForwarder.start("""
            { "listeners": [ { "name": "many", "listen": "127.0.0.1:%d", "pool": "many" } ],
              "pools": [ { "name": "many", "source": "127.0.0.4:%d-%d",
                           "backends": [ { "address": "%s" }, { "address": "%s" } ] } ] }
            """.formatted(port, first, last, one.address(), two.address()))) {
      // 15 connections held open at once through 10 source ports: a port toward one backend is free toward the other.
      List<Socket> open = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      try {
        for (int i = 0; i < 15; i++) {
          Socket s = Clients.connect(port);
          open.add(s);
          String[] peer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
              .readLine().split(" ");
          assertThat(peer[0]).isEqualTo("127.0.0.4");
          assertThat(Integer.parseInt(peer[1])).isBetween(first, last);
          seen.add(peer[1]);
        }
      } finally {
        for (Socket s : open) {
          s.close();
        }
      }
      assertThat(seen).as("source ports in use").hasSizeGreaterThan(5);
      assertThat(one.accepted() + two.accepted()).isEqualTo(15);
    }
  }

  @Test
  void udpSessions_comeFromTheSourceAddress() throws Exception {
    int port = Ports.free();
    try (UdpEchoBackend backend = new UdpEchoBackend("dns");
        RunningForwarder fw = RunningForwarder.start("""
            { "listeners": [ { "name": "dns", "listen": "127.0.0.1:%d", "protocol": "udp", "pool": "dns",
                             "responses": 1, "timeouts": { "drain": "1s" } } ],
              "pools": [ { "name": "dns", "source": "127.0.0.2", "backends": [ { "address": "%s" } ] } ] }
            """.formatted(port, backend.address()));
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      client.setSoTimeout(5_000);
      client.send(new DatagramPacket(new byte[] {'q'}, 1, new InetSocketAddress("127.0.0.1", port)));
      client.receive(new DatagramPacket(new byte[512], 512));
      assertThat(backend.sources()).isNotEmpty().allSatisfy(from ->
          assertThat(((InetSocketAddress) from).getAddress()).isEqualTo(InetAddress.getByName("127.0.0.2")));
    }
  }

  /** The first line the backend sends through {@code port}: where the connection came from. */
  private static String peerOf(int port) throws Exception {
    try (Socket s = Clients.connect(port)) {
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }
}
