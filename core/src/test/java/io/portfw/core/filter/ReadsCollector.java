package io.portfw.core.filter;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands where the relay stands, last in the pipeline: keeps what reaches it, in order, in a log
 * that the test's callbacks write to as well, so the order of "decided" and "bytes" shows.
 */
final class ReadsCollector extends ChannelInboundHandlerAdapter {

  /** The relay's handler name, which the readers install themselves in front of. */
  static final String NAME = "portfw-relay";

  final List<String> log;
  final List<Throwable> exceptions = new ArrayList<>();
  final List<Object> userEvents = new ArrayList<>();
  private final StringBuilder bytes = new StringBuilder();

  ReadsCollector(List<String> log) {
    this.log = log;
  }

  /** Every byte that reached the relay, as ISO-8859-1 text. */
  String bytes() {
    return bytes.toString();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      String text = buf.toString(StandardCharsets.ISO_8859_1);
      bytes.append(text);
      log.add("read:" + text);
    } finally {
      buf.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    exceptions.add(cause);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    userEvents.add(evt);
  }
}
