package io.portfw.core.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.portfw.config.TimeoutsConfig;
import io.portfw.core.observe.Connection;
import io.portfw.core.observe.Ending;
import io.portfw.core.observe.Refusal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Moves bytes between a client's channel and its backend's channel, one Netty handler in each
 * pipeline, so the received buffers are handed across as they are.
 *
 * <p>Backpressure: a side stops reading while the other side's outbound buffer is above its
 * high-water mark and resumes when it drains. Half-close: a FIN from one side becomes a
 * {@code shutdownOutput} toward the other once everything before it is flushed, and the
 * connection closes when both directions have ended. A reset from one side resets the other.
 *
 * <p>Timeouts: no byte either way for {@code idle} closes both sides; once either side has
 * sent its FIN the limit becomes {@code fin}, and a side whose peer has gone gets {@code fin}
 * to take what is still queued for it.
 *
 * <p>Confined to one event loop: both channels live on it for their whole life.
 */
public final class Relay {

  public static final String HANDLER_NAME = "portfw-relay";
  private static final String IDLE_HANDLER_NAME = "portfw-idle";

  /**
   * Off only to measure what counting costs ({@code -Dportfw.bench.noTrafficCounting=true}, read
   * once so the JIT drops the branch): the admin API and metrics then show no bytes.
   */
  private static final boolean COUNTING = !Boolean.getBoolean("portfw.bench.noTrafficCounting");

  private final Channel client;
  private final TimeoutsConfig timeouts;
  private final Connection connection;
  private final Runnable onEnd;
  /** Channels of this connection not yet closed: it has ended when none is left. */
  private int openChannels = 1;
  private boolean ended;
  private final Side clientSide = new Side(true);
  private final Side backendSide = new Side(false);
  private Channel backend;
  private boolean finSeen;
  private boolean closed;
  /** The backend reset the connection or could not be written to: passive health counts it. */
  private boolean backendFailed;
  private ScheduledFuture<?> closeTimer;

  /**
   * Takes over an accepted client channel. Call from the accept handler, before its first read:
   * reading stays off until {@link #attach} gives it a backend.
   */
  public Relay(Channel client, TimeoutsConfig timeouts, Connection connection, Runnable onEnd) {
    this.client = client;
    this.timeouts = timeouts;
    this.connection = connection;
    this.onEnd = onEnd;
    client.closeFuture().addListener(closed -> channelClosed());
    client.config().setAutoRead(false);
    client.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    client.pipeline().addLast(HANDLER_NAME, clientSide);
  }

  public boolean isOpen() {
    return !closed;
  }

  public Channel clientChannel() {
    return client;
  }

  /** The client as the PROXY header sent to backends names it: its real address. */
  public InetSocketAddress clientAddress() {
    return connection.client();
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) client.localAddress();
  }

  public boolean backendFailed() {
    return backendFailed;
  }

  /**
   * Joins the connected backend channel and starts relaying; {@code alreadySent} is what the
   * backend sent before (a warm connection's banner). When the client has gone
   * meanwhile (a client leaving before its backend answers is an abort), resets the backend.
   */
  public void attach(Channel backend, List<Object> alreadySent) {
    if (closed) {
      alreadySent.forEach(ReferenceCountUtil::release);
      backend.config().setOption(ChannelOption.SO_LINGER, 0);
      closeLater(backend);
      return;
    }
    this.backend = backend;
    openChannels++;
    backend.closeFuture().addListener(closed -> channelClosed());
    backend.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    backend.pipeline().addLast(HANDLER_NAME, backendSide);
    backend.config().setAutoRead(client.isWritable());
    // Counts reads and completed writes on the client channel, so traffic either way keeps it alive.
    // Started here, not at accept: until now the connect timeout is the limit.
    client.pipeline().addBefore(HANDLER_NAME, IDLE_HANDLER_NAME, idleHandler(timeouts.idle().toMillis()));
    connection.idleTimeout(timeouts.idle().toMillis());
    clientSide.handEarlyTo(backend);
    if (!alreadySent.isEmpty()) {
      // What a warm connection's backend said before this client came (a banner): the client gets it first.
      alreadySent.forEach(backend.pipeline()::fireChannelRead);
      backend.pipeline().fireChannelReadComplete();
    }
    if (clientSide.fin) {
      onFirstFin();
      finishOutput(backendSide);
    } else if (client.isOpen()) {
      client.config().setAutoRead(backend.isWritable());
    }
  }

  /**
   * Turns the client away with a reset when no backend can take it: what it would have seen
   * from a refusing server, never a clean end that looks like an empty answer.
   */
  public void refuse(Refusal why) {
    connection.refused(why);
    clientSide.countEarlyUnforwarded();
    abort(client);
  }

  /** Both sockets are closed: the connection is over. */
  private void channelClosed() {
    if (--openChannels == 0 && !ended) {
      ended = true;
      connection.ended();
      onEnd.run();
    }
  }

  /** Closes both sides at once. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (closeTimer != null) {
      closeTimer.cancel(false);
    }
    clientSide.dropEarly();
    closeLater(client);
    if (backend != null) {
      closeLater(backend);
    }
  }

  /**
   * Closes {@code channel} once the event loop has finished the events it is handling. Closing
   * at once frees the descriptor's number while the same batch of epoll events may still hold an
   * event for it; a socket made meanwhile on this loop (a backend connect, an accept) can get the
   * number, and Netty would hand it the stale event (an end of input it never had, which stops it
   * reading for good). Seen as about one connection in 3,000 that never got its answer.
   */
  private static void closeLater(Channel channel) {
    channel.eventLoop().execute(() -> channel.close());
  }

  /** One side's peer went away: flush what is queued for this one, then close both. */
  private void closeAfterFlush(Channel survivor) {
    if (closed) {
      return;
    }
    if (survivor == null || !survivor.isActive()) {
      close();
      return;
    }
    survivor.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> close());
    closeWithinFinTimeout(survivor);
  }

  /** A survivor that never reads would hold a flush, and both channels, for ever: the fin timeout ends it. */
  private void closeWithinFinTimeout(Channel survivor) {
    if (closed) {
      return; // the flush completed at once and closed both: a timer now would only hold the connection
    }
    closeTimer = survivor.eventLoop().schedule(() -> {
      connection.ending(Ending.FIN_TIMEOUT);
      close();
    }, timeouts.fin().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The first FIN either way: from now on a quiet connection only lasts the fin timeout. */
  private void onFirstFin() {
    if (finSeen || closed) {
      return;
    }
    finSeen = true;
    long fin = timeouts.fin().toMillis();
    if (fin < timeouts.idle().toMillis() && client.pipeline().get(IDLE_HANDLER_NAME) != null) {
      client.pipeline().replace(IDLE_HANDLER_NAME, IDLE_HANDLER_NAME, idleHandler(fin));
      connection.idleTimeout(fin);
    }
  }

  private static IdleStateHandler idleHandler(long millis) {
    return new IdleStateHandler(0, 0, millis, TimeUnit.MILLISECONDS);
  }

  /** One side was reset: reset the other too, so neither takes a truncated stream for a whole one. */
  private void abort(Channel survivor) {
    if (survivor != null && survivor.isActive()) {
      survivor.config().setOption(ChannelOption.SO_LINGER, 0);
    }
    close();
  }

  /** Sends a FIN on {@code target}'s channel once everything already written to it has left. */
  private void finishOutput(Side target) {
    Channel channel = target.channel();
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) flushed -> {
      // When the target's own FIN came first and the other direction has had its FIN too, this flush was the
      // last thing to do: closing both sends the FIN, and a half-close (a system call) would buy nothing.
      boolean otherDirectionDone = target.fin && target.peer().outputShut;
      if (!flushed.isSuccess() || closed || otherDirectionDone) {
        close();
        return;
      }
      HalfClose.shutdownOutput(channel, shut -> {
        target.outputShut = true;
        if (!shut || (clientSide.outputShut && backendSide.outputShut)) {
          close();
        }
      });
    });
  }

  /**
   * One direction's end: the handler in one channel's pipeline, with what that channel has done
   * (sent its FIN, had its output shut) and, on the client side, what it sent before a backend
   * was there. It writes what it reads to the peer side's channel.
   */
  private final class Side extends ChannelInboundHandlerAdapter {

    private final boolean isClient;
    private boolean unflushed;
    /** This side's channel has sent its FIN (its input is shut). */
    private boolean fin;
    /** This side's channel has had its output shut: its peer's FIN was passed on. */
    private boolean outputShut;
    /** Bytes that arrived before the backend was connected (client side only); made on the first such read. */
    private ArrayDeque<Object> early;
    /** Bytes of {@link #early}, counted once the backend they go to is known. */
    private int earlyBytes;

    Side(boolean isClient) {
      this.isClient = isClient;
    }

    private Channel channel() {
      return isClient ? client : backend;
    }

    private Side peer() {
      return isClient ? backendSide : clientSide;
    }

    private Channel peerChannel() {
      return peer().channel();
    }

    /** Writes what came before the backend was there, and counts it now that its backend is known. */
    private void handEarlyTo(Channel target) {
      if (earlyBytes > 0) {
        connection.countFromClient(earlyBytes);
      }
      if (early != null) {
        while (!early.isEmpty()) {
          target.write(early.poll(), target.voidPromise());
        }
        early = null;
      }
      target.flush();
    }

    /** Refused before any backend: what the client sent still counts as received. */
    private void countEarlyUnforwarded() {
      if (earlyBytes > 0) {
        connection.countUnforwarded(earlyBytes);
        earlyBytes = 0;
      }
    }

    private void dropEarly() {
      if (early != null) {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (COUNTING && msg instanceof ByteBuf buf) {
        count(buf.readableBytes());
      }
      Channel peer = peerChannel();
      if (closed) {
        ReferenceCountUtil.release(msg); // e.g. what a PROXY decoder hands on as it is removed from a refused connection
        return;
      }
      if (peer == null) {
        if (early == null) {
          early = new ArrayDeque<>(4);
        }
        early.add(msg);
        return;
      }
      peer.write(msg, peer.voidPromise());
      unflushed = true;
    }

    /** Early client bytes are counted when they are handed to the backend, once it is known. */
    private void count(int bytes) {
      if (isClient) {
        if (backend != null) {
          connection.countFromClient(bytes);
        } else {
          earlyBytes += bytes;
        }
      } else {
        connection.countFromBackend(bytes);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      Channel peer = peerChannel();
      if (peer == null || !unflushed) {
        return;
      }
      unflushed = false;
      if (closed) {
        return;
      }
      peer.flush();
      // A closed peer is never writable, but nothing should change on a channel that is closing: Netty applies an
      // interest change to the descriptor's number, which a new socket on this loop may already have been given.
      if (!peer.isWritable() && peer.isOpen() && ctx.channel().isOpen()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      // This channel's outbound queue crossed a water mark: gate reading from the peer that fills it.
      Channel peer = peerChannel();
      if (peer != null && !closed && peer.isOpen()) {
        peer.config().setAutoRead(ctx.channel().isWritable());
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent || evt instanceof SslCloseCompletionEvent) {
        // A TLS peer's close_notify is its end of input (it may wait for ours before its FIN); the FIN after it is no news.
        if (fin) {
          return;
        }
        fin = true;
        // A channel closed here, by the listener stopping, reports its input shut too: that is no peer's FIN.
        connection.ending(!ctx.channel().isOpen() && !closed ? Ending.STOPPED
            : isClient ? Ending.CLIENT_CLOSE : Ending.BACKEND_CLOSE);
        if (peerChannel() != null) {
          onFirstFin();
          finishOutput(peer());
        }
      } else if (evt instanceof IdleStateEvent) {
        connection.ending(finSeen ? Ending.FIN_TIMEOUT : Ending.IDLE_TIMEOUT);
        close();
      } else if (!(evt instanceof ChannelInputShutdownReadComplete)) {
        ctx.fireUserEventTriggered(evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reset or a failed write; the data path never throws further, it closes.
      if (!isClient) {
        backendFailed = true;
      }
      connection.ending(isClient ? Ending.CLIENT_RESET : Ending.BACKEND_RESET);
      abort(peerChannel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!closed && outputShut && peerChannel() != null) {
        // Its output was shut (HalfClose), so Netty closed it at the end of its input: that end was its FIN,
        // and the peer still gets everything queued for it, as after any second FIN.
        fin = true;
        if (isClient) {
          closeWithinFinTimeout(peerChannel()); // the idle timer lived on this channel
        }
        finishOutput(peer());
      } else {
        if (!closed) {
          // Not our own close. A peer that goes away shows a FIN or a reset first, which set the ending;
          // a close with neither is a local one: the listener stopping (drain timeout, removed by a reload).
          connection.ending(Ending.STOPPED);
        }
        closeAfterFlush(peerChannel());
      }
      ctx.fireChannelInactive();
    }
  }
}
