package io.portfw.core.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.portfw.balancing.Backend;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One backend connection made ahead of demand, waiting for a client. While it waits it reads, so
 * that a backend closing it is seen at once, and keeps what a server-first backend sends (a
 * banner) for the client it will go to.
 */
final class WarmConnection extends ChannelInboundHandlerAdapter {

  static final String HANDLER_NAME = "portfw-warm";
  /** A backend that talks this much to nobody is not waiting for a client: close it. */
  private static final int MAX_HELD_BYTES = 64 * 1024;

  private final Channel channel;
  private final Backend backend;
  /** Where it goes: a backend whose host name now resolves elsewhere no longer wants it. */
  private final InetAddress ip;
  private final long madeNanos = System.nanoTime();
  /** Told when the backend closes or resets it while it waits. */
  private final Consumer<WarmConnection> onLost;
  private List<Object> held;
  private int heldBytes;
  private boolean handedOver;

  WarmConnection(Channel channel, Backend backend, InetAddress ip, Consumer<WarmConnection> onLost) {
    this.channel = channel;
    this.backend = backend;
    this.ip = ip;
    this.onLost = onLost;
  }

  Channel channel() {
    return channel;
  }

  Backend backend() {
    return backend;
  }

  long ageNanos(long now) {
    return now - madeNanos;
  }

  /** Open, not handed out, and still to the backend's current address. */
  boolean isUsable() {
    return channel.isActive() && !handedOver && ip.equals(backend.ip());
  }

  /**
   * Gives the connection to a client: stops reading and steps out of the pipeline. Returns what
   * the backend has sent so far, to be passed to the client first.
   */
  List<Object> handOver() {
    handedOver = true;
    channel.config().setAutoRead(false);
    channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    channel.pipeline().remove(this);
    List<Object> sent = held == null ? List.of() : held;
    held = null;
    return sent;
  }

  /** Closes an unused connection (too old, backend no longer usable, pool gone). */
  void close() {
    channel.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (held == null) {
      held = new ArrayList<>(2);
    }
    held.add(msg);
    if (msg instanceof ByteBuf buf) {
      heldBytes += buf.readableBytes();
    }
    if (heldBytes > MAX_HELD_BYTES) {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (held != null) {
      held.forEach(ReferenceCountUtil::release);
      held = null;
    }
    if (!handedOver) {
      onLost.accept(this);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset while idle: the backend gave up on it
  }
}
