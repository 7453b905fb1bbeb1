package io.portfw.core.relay;

import static io.portfw.core.relay.DuplexEmbeddedChannel.FIN;
import static io.portfw.core.relay.RelayHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.Ending;
import org.junit.jupiter.api.Test;

/** A FIN from one side becomes a shutdownOutput toward the other, after what came before it. */
class RelayHalfCloseTest {

  private final RelayHarness h = new RelayHarness();

  @Test
  void clientFin_isPassedOnAfterItsBytes() {
    h.attach();
    // Read but not yet flushed (no channelReadComplete): the FIN must not overtake it.
    h.client.pipeline().fireChannelRead(bytes("last words"));
    h.client.receiveFin();

    assertThat(h.backendChannel.wire()).containsExactly("last words", FIN);
    assertThat(h.backendChannel.isOutputShutdown()).isTrue();
    assertThat(h.client.isOutputShutdown()).isFalse();
    assertThat(h.connection.ending()).isEqualTo(Ending.CLIENT_CLOSE);
  }

  @Test
  void afterClientFin_theBackendKeepsSending() {
    h.attach();
    h.client.writeInbound(bytes("request"));
    h.client.receiveFin();

    h.backendChannel.writeInbound(bytes("answer, "), bytes("still coming"));
    h.runPendingTasks();

    assertThat(h.client.wire()).containsExactly("answer, ", "still coming");
    assertThat(h.client.isOpen()).isTrue();
    assertThat(h.backendChannel.isOpen()).isTrue();
    assertThat(h.relay.isOpen()).isTrue();
    assertThat(h.connection.bytesFromBackend()).isEqualTo(20);
    assertThat(h.ends()).isZero();
  }

  @Test
  void backendFin_isPassedOnToTheClient_andTheClientKeepsSending() {
    h.attach();
    h.backendChannel.writeInbound(bytes("bye"));
    h.backendChannel.receiveFin();
    h.client.writeInbound(bytes("one more"));
    h.runPendingTasks();

    assertThat(h.client.wire()).containsExactly("bye", FIN);
    assertThat(h.backendChannel.wire()).containsExactly("one more");
    assertThat(h.backendChannel.isOutputShutdown()).isFalse();
    assertThat(h.connection.ending()).isEqualTo(Ending.BACKEND_CLOSE);
    assertThat(h.client.isOpen()).isTrue();
  }

  @Test
  void finBothWays_closesBothChannels() {
    h.attach();
    h.client.writeInbound(bytes("q"));
    h.client.receiveFin();
    h.backendChannel.writeInbound(bytes("a"));
    h.backendChannel.receiveFin();
    h.runPendingTasks();

    assertThat(h.client.isOpen()).isFalse();
    assertThat(h.backendChannel.isOpen()).isFalse();
    assertThat(h.relay.isOpen()).isFalse();
    assertThat(h.client.wire()).containsExactly("a");
    assertThat(h.backendChannel.wire()).containsExactly("q", FIN);
    assertThat(h.connection.ending()).as("the first FIN names the ending").isEqualTo(Ending.CLIENT_CLOSE);
    assertThat(h.ends()).isEqualTo(1);
  }

  @Test
  void finFromTheClientBeforeTheBackend_isPassedOnWhenAttached() {
    h.client.writeInbound(bytes("all I have"));
    h.client.receiveFin();
    assertThat(h.connection.ending()).isEqualTo(Ending.CLIENT_CLOSE);

    h.attach();

    assertThat(h.backendChannel.wire()).containsExactly("all I have", FIN);
    assertThat(h.connection.bytesFromClient()).isEqualTo(10);
    assertThat(h.client.isOpen()).isTrue();
  }

  @Test
  void endOfInputAfterItsOutputWasShut_closesLikeASecondFin_andThePeerStillGetsWhatCameBefore() {
    h.attach();
    h.backendChannel.writeInbound(bytes("bye"));
    h.backendChannel.receiveFin();
    // The client's output is shut; with half-closure off (as the relay now sets it), Netty closes the client
    // at the end of its input instead of reporting it: the relay sees a close after data, with no FIN event.
    h.client.pipeline().fireChannelRead(bytes("last"));
    h.client.close();
    h.runPendingTasks();

    assertThat(h.backendChannel.wire()).containsExactly("last");
    assertThat(h.backendChannel.isOpen()).isFalse();
    assertThat(h.relay.isOpen()).isFalse();
    assertThat(h.connection.ending()).as("the first FIN names the ending, not a stop").isEqualTo(Ending.BACKEND_CLOSE);
    assertThat(h.ends()).isEqualTo(1);
  }

  @Test
  void sideClosedWithoutAFin_thePeerIsFlushedAndClosed() {
    h.attach();
    h.backendChannel.writeInbound(bytes("partial"));
    h.backendChannel.close(); // gone with neither FIN nor reset: a local close
    h.runPendingTasks();

    assertThat(h.client.wire()).containsExactly("partial");
    assertThat(h.client.isOpen()).isFalse();
    assertThat(h.ends()).isEqualTo(1);
    assertThat(h.connection.ending()).isEqualTo(Ending.STOPPED);
  }
}
