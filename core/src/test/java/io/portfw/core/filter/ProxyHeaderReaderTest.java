package io.portfw.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PROXY header in front of a client's bytes: v1 and v2, split reads, garbage, a slow or resetting client. */
class ProxyHeaderReaderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  /** The load balancer in front: the channel's own peer. */
  private static final InetSocketAddress BALANCER = new InetSocketAddress("10.0.0.9", 40000);

  private final List<String> log = new ArrayList<>();
  private final List<InetSocketAddress> clients = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final ReadsCollector relay = new ReadsCollector(log);
  private final EmbeddedChannel channel = new EmbeddedChannel() {
    @Override
    protected SocketAddress remoteAddress0() {
      return BALANCER;
    }
  };

  @BeforeEach
  void install() {
    channel.freezeTime();
    channel.pipeline().addLast(ReadsCollector.NAME, relay);
    ProxyHeaderReader.install(channel, TIMEOUT, client -> {
      clients.add(client);
      log.add("client:" + client);
    }, why -> {
      failures.add(why);
      log.add("failure:" + why);
    });
  }

  private static ByteBuf text(String s) {
    return FirstBytes.text(s);
  }

  private void expire(long millis) {
    FirstBytes.expire(channel, millis);
  }

  @Test
  void v1Header_splitAcrossReads_namesTheClient_andThePayloadFollows() {
    channel.writeInbound(text("PROXY TCP4 203.0.113.5 10.0."));
    assertThat(clients).isEmpty();
    // Not asserted: the decoder, as it is removed, hands the partial header on to the relay (before the callback).

    channel.writeInbound(text("0.1 51234 443\r\nGET / HTTP/1.1\r\n"));
    channel.writeInbound(text("Host: x\r\n\r\n"));

    assertThat(clients).containsExactly(new InetSocketAddress("203.0.113.5", 51234));
    assertThat(failures).isEmpty();
    assertThat(relay.bytes()).isEqualTo("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(log.get(0)).startsWith("client:");
    assertThat(channel.pipeline().get(HAProxyMessageDecoder.class)).as("the decoder stepped aside").isNull();
    assertThat(channel.pipeline().get(ProxyHeaderReader.class)).isNull();
    assertThat(channel.config().isAutoRead()).as("reading pauses until the relay has a backend").isFalse();
  }

  @Test
  void v1Header_ipv6() {
    channel.writeInbound(text("PROXY TCP6 2001:db8::5 2001:db8::1 51234 443\r\nhi"));

    assertThat(clients).containsExactly(new InetSocketAddress("2001:db8::5", 51234));
    assertThat(relay.bytes()).isEqualTo("hi");
  }

  @Test
  void v1Unknown_keepsTheBalancersAddress() {
    channel.writeInbound(text("PROXY UNKNOWN\r\nhi"));

    assertThat(clients).containsExactly(BALANCER);
    assertThat(relay.bytes()).isEqualTo("hi");
  }

  @Test
  void v2Header_namesTheClient_andThePayloadFollows() {
    byte[] header = v2Header(0x21, 0x11, new byte[] {(byte) 198, 51, 100, 7}, new byte[] {10, 0, 0, 1}, 40001, 443);
    channel.writeInbound(Unpooled.wrappedBuffer(header, 0, 10));
    assertThat(clients).isEmpty();

    channel.writeInbound(Unpooled.wrappedBuffer(header, 10, header.length - 10), text("\u0016\u0003\u0001payload"));

    assertThat(clients).containsExactly(new InetSocketAddress("198.51.100.7", 40001));
    assertThat(failures).isEmpty();
    assertThat(relay.bytes()).isEqualTo("\u0016\u0003\u0001payload");
    assertThat(log.get(0)).startsWith("client:");
  }

  @Test
  void v2Local_isTheBalancersOwnCheck_andKeepsItsAddress() {
    channel.writeInbound(Unpooled.wrappedBuffer(v2Header(0x20, 0x00, new byte[0], new byte[0], 0, 0)));

    assertThat(clients).containsExactly(BALANCER);
  }

  @Test
  void garbageInsteadOfAHeader_fails_once() {
    channel.writeInbound(text("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"));
    channel.runPendingTasks();
    expire(TIMEOUT.toMillis());

    assertThat(failures).singleElement().asString().startsWith("bad PROXY header");
    assertThat(clients).isEmpty();
    assertThat(relay.bytes()).as("the bad line is not handed on as the client's").doesNotContain("GET /");
  }

  @Test
  void noHeaderBeforeTheDeadline_fails() {
    channel.writeInbound(text("PROXY TCP4 203.0"));
    expire(TIMEOUT.toMillis() - 1);
    assertThat(failures).isEmpty();

    expire(1);

    assertThat(failures).containsExactly("no PROXY header within PT3S");
    assertThat(clients).isEmpty();
    // Not asserted: the decoder, as it is removed, hands the partial header on to the relay (before the callback).
    assertThat(channel.pipeline().get(HAProxyMessageDecoder.class)).isNull();
  }

  @Test
  void headerAfterTheDeadline_decidesNothingMore() {
    expire(TIMEOUT.toMillis());
    channel.writeInbound(text("PROXY TCP4 203.0.113.5 10.0.0.1 51234 443\r\n"));

    assertThat(failures).hasSize(1);
    assertThat(clients).isEmpty();
  }

  @Test
  void clientReset_callsNeitherCallback_andReachesTheRelay() {
    channel.writeInbound(text("PROXY TCP4 "));
    IOException reset = new IOException("Connection reset by peer");

    channel.pipeline().fireExceptionCaught(reset);
    expire(TIMEOUT.toMillis() * 2);

    assertThat(clients).isEmpty();
    assertThat(failures).isEmpty();
    assertThat(relay.exceptions).containsExactly(reset);
  }

  @Test
  void clientLeaves_callsNeitherCallback() {
    channel.close();
    channel.runPendingTasks();
    expire(TIMEOUT.toMillis() * 2);

    assertThat(clients).isEmpty();
    assertThat(failures).isEmpty();
  }

  /** A PROXY v2 header (spec section 2.2) for IPv4 ({@code family 0x11}) or none ({@code 0x00}). */
  private static byte[] v2Header(int versionCommand, int family, byte[] src, byte[] dst, int srcPort, int dstPort) {
    byte[] signature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    int addressLength = family == 0x11 ? 12 : 0;
    ByteBuf out = Unpooled.buffer();
    out.writeBytes(signature);
    out.writeByte(versionCommand);
    out.writeByte(family);
    out.writeShort(addressLength);
    if (addressLength > 0) {
      out.writeBytes(src);
      out.writeBytes(dst);
      out.writeShort(srcPort);
      out.writeShort(dstPort);
    }
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    return bytes;
  }
}
