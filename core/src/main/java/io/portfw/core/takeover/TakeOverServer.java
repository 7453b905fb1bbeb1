package io.portfw.core.takeover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.portfw.core.listener.SocketInheritance;
import io.portfw.core.runtime.PortfwRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running side of a take-over: listens on the control socket of the state directory and
 * hands its listening sockets and runtime state to a new process of the same user that asks.
 * Nothing changes here until the new process says it accepts; then this one stops reading from
 * the sockets (they are the new one's now), closes its admin endpoint and leaves: it drains its
 * live connections and exits. A new process that goes away before that changes nothing.
 */
public final class TakeOverServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TakeOverServer.class);
  private static final long REFUSED_LINGER_SECONDS = 5;

  private final Path socket;
  private final Channel listening;

  private TakeOverServer(Path socket, Channel listening) {
    this.socket = socket;
    this.listening = listening;
  }

  /**
   * Listens on the state directory's control socket, replacing a socket file left there.
   *
   * @param stopAccepting closes what else accepts (the admin endpoint) once the new process runs
   * @param takenOver told the new process's pid once it serves everything: this process leaves then
   */
  public static Future<TakeOverServer> open(StateDirectory dir, PortfwRuntime runtime,
      Supplier<Future<Void>> stopAccepting, LongConsumer takenOver) {
    Path path = dir.socket();
    try {
      dir.prepare();
      Files.deleteIfExists(path); // left by a process that was killed: a live one with this config would hold its ports
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    EventLoop loop = ((VertxInternal) runtime.vertx()).nettyEventLoopGroup().next();
    AtomicBoolean busy = new AtomicBoolean();
    Promise<TakeOverServer> opened = Promise.promise();
    new ServerBootstrap().group(loop).channelFactory(EpollServerDomainSocketChannel::new)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            Wire.frame(ch.pipeline());
            ch.pipeline().addLast(new Giving(runtime, busy, stopAccepting, takenOver));
          }
        })
        .bind(new DomainSocketAddress(path.toString())).addListener((ChannelFutureListener) f -> {
          if (f.isSuccess()) {
            opened.complete(new TakeOverServer(path, f.channel()));
          } else {
            opened.fail(f.cause());
          }
        });
    return opened.future();
  }

  public Path socket() {
    return socket;
  }

  /** Stops listening; Netty removes the socket file as it closes. */
  @Override
  public void close() {
    listening.close();
  }

  /** One take-over conversation, on the running side. */
  private static final class Giving extends SimpleChannelInboundHandler<ByteBuf> {

    private final PortfwRuntime runtime;
    private final AtomicBoolean busy;
    private final Supplier<Future<Void>> stopAccepting;
    private final LongConsumer takenOver;
    /** Whether this conversation is the take-over under way (it holds {@code busy}). */
    private boolean turnTaken;
    /** Whether what the peer says is still heard. */
    private boolean holdsTurn;
    private boolean done;
    private long peerPid;
    private List<SocketInheritance.Handed> handed = List.of();

    Giving(PortfwRuntime runtime, AtomicBoolean busy, Supplier<Future<Void>> stopAccepting, LongConsumer takenOver) {
      this.runtime = runtime;
      this.busy = busy;
      this.stopAccepting = stopAccepting;
      this.takenOver = takenOver;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      String refused = Peers.refusal(ctx.channel());
      if (refused == null && !busy.compareAndSet(false, true)) {
        refused = "another take-over is under way";
      }
      if (refused != null) {
        LOG.warn("take-over refused: {}", refused);
        refuse(ctx, refused);
        return;
      }
      turnTaken = true;
      holdsTurn = true;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) throws IOException {
      if (!holdsTurn) {
        return;
      }
      JsonNode message = Wire.read(line);
      switch (message.path("type").asText()) {
        case Wire.HELLO -> hello(ctx, message);
        case Wire.SEND_SOCKETS -> sendSockets(ctx);
        case Wire.ACCEPTING -> accepting(ctx);
        default -> refuse(ctx, "unexpected message " + message.path("type").asText());
      }
    }

    private void hello(ChannelHandlerContext ctx, JsonNode hello) {
      peerPid = hello.path("pid").asLong();
      if (runtime.sockets().listening().isEmpty() && !runtime.config().listeners().isEmpty()) {
        refuse(ctx, "this process's sockets cannot be handed over (not the native transport)");
        return;
      }
      LOG.info("take-over: process {} asks to take over; handing over the listening sockets and the state", peerPid);
      runtime.handOverState().onComplete(state -> ctx.executor().execute(() -> {
        if (state.failed()) {
          refuse(ctx, "cannot gather the state: " + state.cause().getMessage());
          return;
        }
        handed = runtime.sockets().listening();
        ObjectNode reply = Wire.message(Wire.STATE).put("pid", ProcessHandle.current().pid());
        reply.set("sockets", Wire.places(handed));
        reply.set("state", state.result());
        ctx.writeAndFlush(Wire.line(reply));
      }));
    }

    private void sendSockets(ChannelHandlerContext ctx) {
      if (handed.stream().anyMatch(h -> !h.fd().isOpen())) {
        refuse(ctx, "the listening sockets changed during the take-over (a reload?); try again");
        return;
      }
      handed.forEach(h -> ctx.write(h.fd()));
      ctx.flush();
    }

    private void accepting(ChannelHandlerContext ctx) {
      LOG.info("take-over: process {} accepts on the {} socket(s) handed over; this process stops accepting",
          peerPid, handed.size());
      done = true;
      // The control socket closes first (Netty removes its file as it does): the new process puts its own in place
      // once told that this one stopped, and this one's later exit must not remove that.
      Promise<Void> controlClosed = Promise.promise();
      ctx.channel().parent().close().addListener(f -> controlClosed.complete());
      controlClosed.future().compose(closed -> runtime.sockets().stopReading()).compose(stopped -> stopAccepting.get())
          .onComplete(stopped -> ctx.executor().execute(() -> {
            ctx.writeAndFlush(Wire.line(Wire.message(Wire.STOPPED))).addListener(ChannelFutureListener.CLOSE);
            takenOver.accept(peerPid);
          }));
    }

    /**
     * Says why and ends its side only: closing with the peer's words unread would reset the
     * connection before the peer reads the reason. The peer closes; after a few seconds, so does this.
     */
    private void refuse(ChannelHandlerContext ctx, String reason) {
      holdsTurn = false; // nothing more it says is heard
      ctx.writeAndFlush(Wire.line(Wire.message(Wire.REFUSED).put("reason", reason)))
          .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput());
      ctx.executor().schedule(() -> ctx.close(), REFUSED_LINGER_SECONDS, TimeUnit.SECONDS);
      if (turnTaken) {
        turnTaken = false;
        busy.set(false);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (holdsTurn) {
        holdsTurn = false;
        turnTaken = false;
        busy.set(false);
        if (!done && peerPid != 0) {
          LOG.warn("take-over: process {} went away before it accepted; this process goes on serving", peerPid);
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warn("take-over: {}", cause.getMessage());
      ctx.close();
    }
  }
}
