package io.portfw.core.relay;

import static io.portfw.core.relay.RelayHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/** Bytes either way reach the other side unchanged, in order, and are counted once. */
class RelayTrafficTest {

  private final RelayHarness h = new RelayHarness();

  @Test
  void bytesBothWays_passThroughUnchanged_andAreCounted() {
    h.attach();

    h.client.writeInbound(bytes("GET / HTTP/1.1\r\n\r\n"));
    h.backendChannel.writeInbound(bytes("HTTP/1.1 200 OK\r\n"), bytes("\r\nbody"));

    assertThat(h.backendChannel.wire()).containsExactly("GET / HTTP/1.1\r\n\r\n");
    assertThat(h.client.wire()).containsExactly("HTTP/1.1 200 OK\r\n", "\r\nbody");
    assertThat(h.connection.bytesFromClient()).isEqualTo(18);
    assertThat(h.connection.bytesFromBackend()).isEqualTo(23);
    assertThat(h.counters.bytesFromClients()).isEqualTo(18);
    assertThat(h.counters.bytesFromBackends()).isEqualTo(23);
    assertThat(h.backend.bytesSent()).isEqualTo(18);
    assertThat(h.backend.bytesReceived()).isEqualTo(23);
    assertThat(h.connection.ending()).isNull();
    assertThat(h.client.isOpen()).isTrue();
    assertThat(h.backendChannel.isOpen()).isTrue();
    assertThat(h.relay.isOpen()).isTrue();
  }

  @Test
  void sameBufferIsHandedAcross_notCopied() {
    h.attach();
    ByteBuf sent = bytes("payload");

    h.client.writeInbound(sent);

    ByteBuf out = h.backendChannel.readOutbound();
    assertThat(out).isSameAs(sent);
    out.release();
  }

  @Test
  void clientBytesBeforeTheBackend_areDeliveredFirstOnceAttached_andCountedThen() {
    h.client.writeInbound(bytes("early-1 "), bytes("early-2 "));
    assertThat(h.connection.bytesFromClient()).as("counted only once a backend is known").isZero();

    h.attach();
    h.client.writeInbound(bytes("late"));

    assertThat(String.join("", h.backendChannel.wire())).isEqualTo("early-1 early-2 late");
    assertThat(h.connection.bytesFromClient()).isEqualTo(20);
    assertThat(h.backend.bytesSent()).isEqualTo(20);
  }

  @Test
  void whatTheBackendSentBeforeTheClientCame_reachesTheClientFirst() {
    h.attach(bytes("220 banner\r\n"));
    h.backendChannel.writeInbound(bytes("more"));

    assertThat(h.client.wire()).containsExactly("220 banner\r\n", "more");
    assertThat(h.connection.bytesFromBackend()).isEqualTo(16);
  }

  @Test
  void relayTurnsOnHalfClosureOnBothChannels() {
    h.attach();

    assertThat(h.client.optionSet(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE)).isTrue();
    assertThat(h.backendChannel.optionSet(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE)).isTrue();
  }
}
