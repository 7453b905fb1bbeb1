package io.portfw.core.filter;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Reads the PROXY protocol header (v1 or v2, Netty's decoder tells them apart) that a load
 * balancer in front sends first, and hands on the client address it names. Whatever follows the
 * header goes on to the relay as the client's first bytes. A missing, malformed or slow header
 * ends the connection.
 */
public final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {

  private static final String DECODER = "portfw-proxy-decoder";
  private static final String READER = "portfw-proxy-reader";

  private final Consumer<InetSocketAddress> onClient;
  private final Consumer<String> onFailure;
  private FirstBytesWait wait;

  private ProxyHeaderReader(Consumer<InetSocketAddress> onClient, Consumer<String> onFailure) {
    this.onClient = onClient;
    this.onFailure = onFailure;
  }

  /** Puts the decoder in front of the relay and starts reading; one of the two callbacks runs, once. */
  public static void install(Channel channel, Duration timeout, Consumer<InetSocketAddress> onClient,
      Consumer<String> onFailure) {
    ProxyHeaderReader reader = new ProxyHeaderReader(onClient, onFailure);
    channel.pipeline().addFirst(DECODER, new HAProxyMessageDecoder());
    channel.pipeline().addAfter(DECODER, READER, reader);
    reader.wait = new FirstBytesWait(channel, timeout,
        () -> reader.wait.fail(DECODER, () -> onFailure.accept("no PROXY header within " + timeout)));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HAProxyMessage header)) {
      ctx.fireChannelRead(msg); // the client's bytes after the header: the relay's
      return;
    }
    try {
      if (!wait.decide()) {
        return;
      }
      ctx.pipeline().remove(this);
      boolean tcp = header.proxiedProtocol() == HAProxyProxiedProtocol.TCP4
          || header.proxiedProtocol() == HAProxyProxiedProtocol.TCP6;
      InetAddress source = tcp && header.sourceAddress() != null
          ? NetUtil.createInetAddressFromIpAddressString(header.sourceAddress()) : null; // a literal: no lookup
      InetSocketAddress client = header.command() == HAProxyCommand.LOCAL || source == null
          ? (InetSocketAddress) ctx.channel().remoteAddress() // the balancer's own check, or no IP client behind it
          : new InetSocketAddress(source, header.sourcePort());
      onClient.accept(client);
    } finally {
      ReferenceCountUtil.release(header);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!wait.passOnReset(ctx, cause)) {
      wait.fail(DECODER, () -> onFailure.accept("bad PROXY header: " + cause.getMessage()));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    wait.closed(); // gone before saying who it is for: the relay sees the close and ends the connection
    ctx.fireChannelInactive();
  }
}
