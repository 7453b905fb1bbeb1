package io.portfw.core.filter;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What every first-bytes filter shares (the shape of Envoy's listener filters: on accept, on
 * data, a most it will buffer): it starts the client reading with a deadline, makes one decision
 * at most, and knows the ways out: the deadline passing, the client resetting or leaving, bytes
 * that cannot be read. Each reader's decoder caps what it buffers (the PROXY decoder at a v1 line
 * or a v2 header, the ClientHello reader at {@link ServerNameReader#MAX_CLIENT_HELLO}).
 *
 * <p>Confined to the connection's event loop.
 */
final class FirstBytesWait {

  private final Channel channel;
  private final ScheduledFuture<?> deadline;
  private boolean done;

  /** Starts reading; {@code onTimeout} runs when nothing was decided within {@code timeout}. */
  FirstBytesWait(Channel channel, Duration timeout, Runnable onTimeout) {
    this.channel = channel;
    this.deadline = channel.eventLoop().schedule(onTimeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
    channel.config().setAutoRead(true);
  }

  /** Whether nothing is decided yet (and not given up). */
  boolean isWaiting() {
    return !done;
  }

  /**
   * True once, for the one decision: the deadline is off and reading pauses until the relay has a
   * backend to read for. False when already decided (or given up).
   */
  boolean decide() {
    if (!end()) {
      return false;
    }
    channel.config().setAutoRead(false);
    return true;
  }

  /** Gives up with a reason: {@code reader} steps aside and {@code refuse} runs, once; nothing when decided already. */
  void fail(String reader, Runnable refuse) {
    if (!end()) {
      return;
    }
    if (channel.pipeline().get(reader) != null) {
      channel.pipeline().remove(reader);
    }
    refuse.run();
  }

  /**
   * A reset is the relay's to record, as on any connection: ends the wait and passes it on. True
   * when {@code cause} was one; anything else is the reader's to judge.
   */
  boolean passOnReset(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      return false;
    }
    end();
    ctx.fireExceptionCaught(cause);
    return true;
  }

  /** The client left (or a stop closed it) before a decision: nothing to refuse, the relay sees the close. */
  void closed() {
    end();
  }

  private boolean end() {
    if (done) {
      return false;
    }
    done = true;
    deadline.cancel(false);
    return true;
  }
}
