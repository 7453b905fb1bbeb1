package io.portfw.core.relay;

import static io.portfw.core.relay.RelayHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.portfw.core.observe.Ending;
import io.portfw.core.observe.Refusal;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A reset from one side resets the other; a refused client is reset; both close and the ending says why. */
class RelayResetTest {

  private final RelayHarness h = new RelayHarness();

  @Test
  void clientReset_closesBothAndResetsTheBackend() {
    h.attach();
    h.client.writeInbound(bytes("partial"));

    h.client.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    h.runPendingTasks();

    assertThat(h.client.isOpen()).isFalse();
    assertThat(h.backendChannel.isOpen()).isFalse();
    assertThat(h.backendChannel.optionSet(ChannelOption.SO_LINGER)).as("reset, not a clean FIN").isZero();
    assertThat(h.backendChannel.outputShutdowns()).isZero();
    assertThat(h.connection.ending()).isEqualTo(Ending.CLIENT_RESET);
    assertThat(h.relay.backendFailed()).isFalse();
    assertThat(h.ends()).isEqualTo(1);
    h.client.checkException();
    h.backendChannel.checkException();
  }

  @Test
  void backendReset_closesBothAndResetsTheClient() {
    h.attach();

    h.backendChannel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    h.runPendingTasks();

    assertThat(h.client.isOpen()).isFalse();
    assertThat(h.backendChannel.isOpen()).isFalse();
    assertThat(h.client.optionSet(ChannelOption.SO_LINGER)).isZero();
    assertThat(h.connection.ending()).isEqualTo(Ending.BACKEND_RESET);
    assertThat(h.relay.backendFailed()).as("passive health counts it").isTrue();
    assertThat(h.ends()).isEqualTo(1);
  }

  @Test
  void resetAfterAFin_stillNamesTheFin() {
    h.attach();
    h.client.receiveFin();

    h.backendChannel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    h.runPendingTasks();

    assertThat(h.client.isOpen()).isFalse();
    assertThat(h.backendChannel.isOpen()).isFalse();
    assertThat(h.connection.ending()).as("the first thing that ended it").isEqualTo(Ending.CLIENT_CLOSE);
  }

  @Test
  void refuse_withEarlyBytes_resetsTheClient_andCountsThemAsReceived() {
    ByteBuf early = bytes("hello?");
    h.client.writeInbound(early);

    h.relay.refuse(Refusal.NO_BACKEND);
    h.runPendingTasks();

    assertThat(h.client.isOpen()).isFalse();
    assertThat(h.client.optionSet(ChannelOption.SO_LINGER)).isZero();
    assertThat(h.relay.isOpen()).isFalse();
    assertThat(h.connection.ending()).isEqualTo(Ending.REFUSED);
    assertThat(h.connection.refusal()).isEqualTo(Refusal.NO_BACKEND);
    assertThat(h.connection.bytesFromClient()).isEqualTo(6);
    assertThat(h.counters.bytesFromClients()).isEqualTo(6);
    assertThat(early.refCnt()).as("the early bytes are released").isZero();
    assertThat(h.ends()).isEqualTo(1);
  }

  @Test
  void refuse_afterTheClientsFin_isStillRefused() {
    h.client.receiveFin();

    h.relay.refuse(Refusal.BACKENDS_FULL);
    h.runPendingTasks();

    assertThat(h.connection.ending()).isEqualTo(Ending.REFUSED);
    assertThat(h.connection.refusal()).isEqualTo(Refusal.BACKENDS_FULL);
    assertThat(h.connection.bytesFromClient()).isZero();
    assertThat(h.client.isOpen()).isFalse();
  }

  @Test
  void attach_afterTheClientLeft_resetsTheBackend_andDropsItsBanner() {
    h.client.close();
    h.runPendingTasks();
    assertThat(h.relay.isOpen()).isFalse();
    ByteBuf banner = bytes("220 hi\r\n");

    h.attach(banner);
    h.runPendingTasks();

    assertThat(h.backendChannel.isOpen()).isFalse();
    assertThat(h.backendChannel.optionSet(ChannelOption.SO_LINGER)).isZero();
    assertThat(banner.refCnt()).isZero();
    assertThat(h.client.wire()).isEmpty();
    assertThat(h.connection.ending()).isEqualTo(Ending.STOPPED);
  }
}
