package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.AdminState;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Who answers: weights, backups, port ranges that keep the client's port, IPv6. */
class ForwardingIT {

  @Test
  void weightedPool_spreadsConnectionsByWeightInterleaved() throws Exception {
    try (TaggedBackend s1 = new TaggedBackend("s1");
         TaggedBackend s2 = new TaggedBackend("s2");
         TaggedBackend s3 = new TaggedBackend("s3");
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" } ],
               "pools": [ { "name": "web", "backends": [
                 { "address": "%s", "weight": 2 }, { "address": "%s" }, { "address": "%s", "backup": true } ] } ] }
             """.formatted(Ports.free(), s1.address(), s2.address(), s3.address()))) {
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        answers.add(answerOf(forwarder.port(), "127.0.0.1"));
      }
      assertThat(answers).containsExactly("s1", "s2", "s1", "s1", "s2", "s1", "s1", "s2", "s1");
    }
  }

  @Test
  void backup_servesOnlyWhenNoPrimaryCan() throws Exception {
    try (TaggedBackend primary = new TaggedBackend("primary");
         TaggedBackend backup = new TaggedBackend("backup");
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" } ],
               "pools": [ { "name": "web", "backends": [
                 { "address": "%s" }, { "address": "%s", "backup": true } ] } ] }
             """.formatted(Ports.free(), primary.address(), backup.address()))) {
      assertThat(answerOf(forwarder.port(), "127.0.0.1")).isEqualTo("primary");
      forwarder.runtime().pool("web").backends().get(0).admin(AdminState.DRAINING);
      assertThat(answerOf(forwarder.port(), "127.0.0.1")).isEqualTo("backup");
      forwarder.runtime().pool("web").backends().get(0).admin(AdminState.ENABLED);
      assertThat(answerOf(forwarder.port(), "127.0.0.1")).isEqualTo("primary");
    }
  }

  @Test
  void portRange_backendWithoutPort_keepsTheClientsPort() throws Exception {
    int first = Ports.freeRange(3, "127.0.0.1", "127.0.0.2");
    List<TaggedBackend> backends = new ArrayList<>();
    try {
      for (int port = first; port < first + 3; port++) {
        backends.add(new TaggedBackend("port-" + port, "127.0.0.2", port));
      }
      try (RunningForwarder forwarder = RunningForwarder.start("""
          { "listeners": [ { "name": "range", "listen": "127.0.0.1:%d-%d", "pool": "inside" } ],
            "pools": [ { "name": "inside", "backends": [ { "address": "127.0.0.2" } ] } ] }
          """.formatted(first, first + 2))) {
        for (int port = first; port < first + 3; port++) {
          assertThat(answerOf(port, "127.0.0.1")).isEqualTo("port-" + port);
        }
      }
    } finally {
      backends.forEach(TaggedBackend::close);
    }
  }

  @Test
  void ipv6Loopback_listenAndBackend() throws Exception {
    Assumptions.assumeTrue(hasIpv6Loopback(), "no ::1 on this machine");
    try (TaggedBackend v6 = new TaggedBackend("v6", "::1", 0);
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "v6", "listen": "[::1]:%d", "pool": "v6" } ],
               "pools": [ { "name": "v6", "backends": [ { "address": "[::1]:%d" } ] } ] }
             """.formatted(Ports.free(), v6.port()))) {
      assertThat(answerOf(forwarder.port(), "::1")).isEqualTo("v6");
    }
  }

  private static String answerOf(int port, String host) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5_000);
      socket.setSoTimeout(10_000);
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    }
  }

  private static boolean hasIpv6Loopback() throws IOException {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    return lo != null && Collections.list(lo.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet6Address);
  }
}
