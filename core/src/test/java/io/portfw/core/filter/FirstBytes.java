package io.portfw.core.filter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** What the first-bytes reader tests share: bytes from text, and time moved on a frozen channel. */
final class FirstBytes {

  private FirstBytes() {}

  static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  /** Moves the channel's clock on and runs what fell due: a reader's deadline, say. */
  static void expire(EmbeddedChannel channel, long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }
}
