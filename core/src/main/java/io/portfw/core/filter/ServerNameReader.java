package io.portfw.core.filter;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import io.portfw.config.SniConfig;
import io.portfw.core.observe.Refusal;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the TLS ClientHello a client opens with, also when it comes in several TCP segments or
 * records, takes the server name from it and chooses the pool by the listener's routes, without
 * terminating TLS: Netty's ClientHello parsing keeps every byte, and they all go on to the
 * backend untouched once this handler steps aside. A ClientHello that does not complete in time,
 * or cannot be parsed, ends the connection; a client that does not speak TLS at all goes to the
 * listener's pool or is closed, as configured.
 */
public final class ServerNameReader extends AbstractSniHandler<String> {

  private static final String NAME = "portfw-sni";
  /** A pool name no config can hold: what the lookup answers for a client to be closed. */
  private static final String CLOSE = "";
  static final int MAX_CLIENT_HELLO = 64 * 1024;

  private final SniConfig sni;
  private final String defaultPool;
  private final Consumer<String> onPool;
  private final Consumer<Refusal> onRefused;
  private FirstBytesWait wait;
  private boolean tls;
  /** The protocols the ClientHello offers, read only when a route matches on them. */
  private List<String> alpn = List.of();

  private ServerNameReader(SniConfig sni, String defaultPool, Consumer<String> onPool, Consumer<Refusal> onRefused) {
    // A ClientHello of more than 64 KiB is refused: a client may not make us buffer what it merely claims to send.
    // Our own deadline, which refuses and counts, instead of Netty's.
    super(MAX_CLIENT_HELLO, 0L);
    this.sni = sni;
    this.defaultPool = defaultPool;
    this.onPool = onPool;
    this.onRefused = onRefused;
  }

  /** Puts the reader in front of the handler named {@code before} (the relay) and starts reading; exactly one callback runs. */
  public static void install(Channel channel, String before, SniConfig sni, String defaultPool,
      Consumer<String> onPool,
      Consumer<Refusal> onRefused) {
    ServerNameReader reader = new ServerNameReader(sni, defaultPool, onPool, onRefused);
    // Right in front of the relay: behind a PROXY decoder still in the pipeline, which hands on what follows its header.
    channel.pipeline().addBefore(before, NAME, reader);
    reader.wait = new FirstBytesWait(channel, sni.timeout(), () -> reader.fail(Refusal.CLIENT_HELLO));
  }

  @Override
  protected Future<String> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
    tls = clientHello != null; // null: the first record is not a TLS handshake
    if (tls && sni.routesByAlpn()) {
      alpn = ClientHelloAlpn.read(clientHello);
    }
    return super.lookup(ctx, clientHello);
  }

  @Override
  protected Future<String> lookup(ChannelHandlerContext ctx, String hostname) {
    String pool = !tls ? (sni.closeNotTls() ? CLOSE : defaultPool) : sni.poolFor(hostname, alpn).orElse(defaultPool);
    return ctx.executor().newSucceededFuture(pool);
  }

  @Override
  protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<String> future) {
    if (!wait.decide()) {
      return;
    }
    ctx.pipeline().remove(this); // hands every byte read so far, the ClientHello first, on to the relay
    String pool = future.getNow();
    if (pool == null || pool.equals(CLOSE)) {
      onRefused.accept(Refusal.NOT_TLS);
    } else {
      onPool.accept(pool);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!wait.passOnReset(ctx, cause)) {
      fail(Refusal.CLIENT_HELLO); // a record that claims to be TLS and cannot be read, or too long
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    wait.closed(); // gone (or closed by a stop) while we waited: no refusal to count
    super.channelInactive(ctx);
  }

  private void fail(Refusal why) {
    wait.fail(NAME, () -> onRefused.accept(why));
  }
}
