package io.portfw.core.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.channels.NotYetConnectedException;
import java.util.function.Consumer;

/**
 * Sends a FIN on a channel whose outbound buffer is empty, and prepares it for the peer's FIN.
 *
 * <p>On epoll the socket is shut directly: Netty's {@code shutdownOutput()} builds a
 * ChannelOutputShutdownException with a stack trace for every call (to fail writes that can no
 * longer be pending here, since the relay only shuts a flushed channel). Afterwards only the
 * channel's input is left, so its end of input may close it outright: with half-closure on, Netty
 * would shut its input as well, a system call that fails (ENOTCONN) with a second exception.
 */
final class HalfClose {

  private HalfClose() {}

  /** Shuts {@code channel}'s output; {@code done} gets whether it worked, on the channel's event loop. */
  static void shutdownOutput(Channel channel, Consumer<Boolean> done) {
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls != null && !tls.engine().isOutboundDone()) {
      // TLS ends with a close_notify before the FIN, or the client takes the end for a truncation attack.
      tls.closeOutbound().addListener(sent -> shutdownSocket(channel, done));
      return;
    }
    shutdownSocket(channel, done);
  }

  private static void shutdownSocket(Channel channel, Consumer<Boolean> done) {
    if (channel instanceof AbstractEpollStreamChannel epoll) {
      boolean shut;
      try {
        ((Socket) epoll.fd()).shutdown(false, true);
        shut = true;
      } catch (IOException | NotYetConnectedException e) {
        shut = false; // the peer reset or left meanwhile (ENOTCONN): the relay closes both
      }
      onlyInputLeft(channel, shut);
      done.accept(shut);
      return;
    }
    ((DuplexChannel) channel).shutdownOutput().addListener((ChannelFutureListener) f -> {
      onlyInputLeft(channel, f.isSuccess());
      done.accept(f.isSuccess());
    });
  }

  private static void onlyInputLeft(Channel channel, boolean shut) {
    if (shut && channel.isOpen()) {
      channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    }
  }
}
