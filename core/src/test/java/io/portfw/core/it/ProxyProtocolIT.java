package io.portfw.core.it;

import static io.portfw.testing.Clients.from;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.portfw.core.observe.Refusal;
import io.portfw.testing.Eventually;
import io.portfw.testing.Nginx;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The client's address across load balancers, with nginx as the real PROXY protocol peer: as the
 * backend that reads the header portfw sends (v1 and v2), and as the balancer in front whose
 * header portfw reads.
 */
class ProxyProtocolIT {

  /** An nginx server that answers every connection with the client address its PROXY header named. */
  private static String consumer(int port) {
    return "server { listen 127.0.0.1:" + port + " proxy_protocol; return \"$proxy_protocol_addr:$proxy_protocol_port\\n\"; }";
  }

  @Test
  void toBackends_v1AndV2_carryTheRealClientAddress() throws Exception {
    int consumerPort = Ports.free();
    int v1 = Ports.free();
    int v2 = Ports.free();
    try (Nginx nginx = Nginx.stream(consumer(consumerPort), consumerPort);
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "v1", "listen": "127.0.0.1:%d", "pool": "v1" },
                              { "name": "v2", "listen": "127.0.0.1:%d", "pool": "v2" } ],
               "pools": [ { "name": "v1", "proxyProtocol": "v1", "backends": [ { "address": "127.0.0.1:%d" } ] },
                          { "name": "v2", "proxyProtocol": "v2", "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
             """.formatted(v1, v2, consumerPort, consumerPort))) {
      for (int port : new int[] {v1, v2}) {
        try (Socket client = from("127.0.0.2", port)) {
          assertThat(read(client)).as("port %d", port).isEqualTo("127.0.0.2:" + client.getLocalPort());
        }
      }
    }
  }

  @Test
  void behindABalancer_theHeadersAddressIsTheClient_forAclsAndForTheBackend() throws Exception {
    int consumerPort = Ports.free();
    int front = Ports.free();
    int portfw = Ports.free();
    String servers = consumer(consumerPort)
        + "\nserver { listen 127.0.0.1:" + front + "; proxy_pass 127.0.0.1:" + portfw + "; proxy_protocol on; }";
    try (RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "edge", "listen": "127.0.0.1:%d", "pool": "inside",
                                "acceptProxyProtocol": { "trusted": ["127.0.0.1"] }, "acl": { "deny": ["127.0.0.2"] } } ],
               "pools": [ { "name": "inside", "proxyProtocol": "v2", "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
             """.formatted(portfw, consumerPort));
         Nginx nginx = Nginx.stream(servers, consumerPort, front)) {
      try (Socket client = from("127.0.0.3", front)) {
        assertThat(read(client)).as("nginx -> portfw -> nginx: the address survives both hops")
            .isEqualTo("127.0.0.3:" + client.getLocalPort());
      }
      try (Socket denied = from("127.0.0.2", front)) {
        assertThat(read(denied)).as("the acl reads the header's address, not the balancer's").isEmpty();
      }
      Eventually.holds(Duration.ofSeconds(5), "counted", () -> forwarder.refusedConnections("edge", Refusal.ACL) == 1);
    }
  }

  @Test
  void aV2Header_aMalformedOne_aSlowOne_andAnUntrustedSender() throws Exception {
    int consumerPort = Ports.free();
    try (Nginx nginx = Nginx.stream(consumer(consumerPort), consumerPort);
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "edge", "listen": "127.0.0.1:%d", "pool": "inside",
                                "acceptProxyProtocol": { "trusted": ["127.0.0.1/32", "::1"], "timeout": "400ms" } } ],
               "pools": [ { "name": "inside", "proxyProtocol": "v1", "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
             """.formatted(Ports.free(), consumerPort))) {
      int port = forwarder.port();
      try (Socket client = from("127.0.0.1", port)) {
        client.getOutputStream().write(header(HAProxyProtocolVersion.V2, "192.0.2.7", 4242));
        assertThat(read(client)).isEqualTo("192.0.2.7:4242");
      }
      try (Socket garbage = from("127.0.0.1", port)) {
        writeQuietly(garbage, "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(read(garbage)).isEmpty();
      }
      try (Socket slow = from("127.0.0.1", port)) {
        byte[] v2 = header(HAProxyProtocolVersion.V2, "192.0.2.8", 1);
        slow.getOutputStream().write(v2, 0, 10); // a truncated header, then nothing
        long started = System.nanoTime();
        assertThat(read(slow)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      }
      assertThat(sendFrom("127.0.0.2", port, header(HAProxyProtocolVersion.V1, "192.0.2.9", 9)))
          .as("an untrusted sender is reset, perhaps before its connect() returns").isEmpty();
      Eventually.holds(Duration.ofSeconds(5), "each counted, nothing left open", () ->
          forwarder.refusedConnections("edge", Refusal.PROXY_HEADER) == 2
              && forwarder.refusedConnections("edge", Refusal.UNTRUSTED_PROXY) == 1
              && forwarder.runtime().connections().count() == 0);
    }
  }

  /** A PROXY header as Netty's encoder writes it (the load balancer's side of the protocol). */
  private static byte[] header(HAProxyProtocolVersion version, String source, int sourcePort) {
    EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    encoder.writeOutbound(new HAProxyMessage(version, HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP4,
        source, "198.51.100.1", sourcePort, 443));
    ByteBuf out = encoder.readOutbound();
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    out.release();
    encoder.finishAndReleaseAll();
    return bytes;
  }

  /** Connects from {@code local}, sends, reads to the end; "" when refused or reset at any step. */
  private static String sendFrom(String local, int port, byte[] bytes) {
    try (Socket s = from(local, port)) {
      s.getOutputStream().write(bytes);
      return read(s);
    } catch (IOException reset) {
      return "";
    }
  }

  private static void writeQuietly(Socket s, byte[] bytes) {
    try {
      s.getOutputStream().write(bytes);
    } catch (IOException reset) {
      // refused already: what the test then reads says so
    }
  }


  /** Everything the other side sent, or "" when it closed or reset without a word. */
  private static String read(Socket s) {
    try {
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
    } catch (IOException reset) {
      return "";
    }
  }
}
