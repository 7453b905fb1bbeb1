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
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
  /**
   * Descriptors sent per request of the new process: few enough that the unix socket's buffer
   * never fills (Netty cannot retry a descriptor whose send would block).
   */
  static final int DESCRIPTORS_PER_BATCH = 64;

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
      if (answers(path)) {
        return Future.failedFuture(new IOException("another portfw listens on " + path
            + " (do two configs share one stateDir?)"));
      }
      Files.deleteIfExists(path); // left by a process that was killed
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

  /** Whether a process listens on the socket file (one left by a killed process refuses the connection). */
  private static boolean answers(Path path) {
    if (!Files.exists(path)) {
      return false;
    }
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      return true;
    } catch (IOException refused) {
      return false;
    }
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
        LOG.atWarn().addKeyValue("takeOver", "refused").log("take-over refused: {}", refused);
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
        case Wire.SEND_SOCKETS -> sendSockets(ctx, message.path("from").asInt(-1));
        case Wire.ACCEPTING -> accepting(ctx, message.path("taken"));
        default -> refuse(ctx, "unexpected message " + message.path("type").asText());
      }
    }

    private void hello(ChannelHandlerContext ctx, JsonNode hello) {
      peerPid = hello.path("pid").asLong();
      if (runtime.sockets().listening().isEmpty() && !runtime.config().listeners().isEmpty()) {
        refuse(ctx, "this process's sockets cannot be handed over (not the native transport)");
        return;
      }
      LOG.atInfo().addKeyValue("takeOver", "asked").addKeyValue("peerPid", peerPid)
          .log("take-over: process {} asks to take over; handing over the listening sockets and the state", peerPid);
      // From the state taken now to the end: a reload or an operator's change made here would not reach the new process.
      runtime.freeze("a take-over by process " + peerPid + " is under way: changes go to the new process once it serves");
      runtime.handOverState().compose(state -> runtime.vertx().executeBlocking(() -> {
        handed = runtime.sockets().listening();
        ObjectNode reply = Wire.message(Wire.STATE).put("pid", ProcessHandle.current().pid());
        reply.set("sockets", Wire.places(handed));
        reply.set("state", state);
        return Wire.line(reply); // large with big sticky tables: written off the event loops
      }, false)).onComplete(line -> ctx.executor().execute(() -> {
        if (line.failed()) {
          refuse(ctx, "cannot gather the state: " + line.cause().getMessage());
        } else {
          ctx.writeAndFlush(line.result());
        }
      }));
    }

    private void sendSockets(ChannelHandlerContext ctx, int from) {
      if (from < 0 || from > handed.size()) {
        refuse(ctx, "no such socket: " + from);
        return;
      }
      List<SocketInheritance.Handed> batch = handed.subList(from, Math.min(handed.size(), from + DESCRIPTORS_PER_BATCH));
      if (batch.stream().anyMatch(h -> !h.channel().isOpen())) {
        refuse(ctx, "the listening sockets changed during the take-over; try again");
        return;
      }
      batch.forEach(h -> ctx.write(h.fd()));
      ctx.flush();
    }

    private void accepting(ChannelHandlerContext ctx, JsonNode takenList) {
      Set<Integer> taken = new HashSet<>();
      takenList.forEach(i -> taken.add(i.asInt()));
      LOG.atInfo().addKeyValue("takeOver", "handed-over").addKeyValue("peerPid", peerPid)
          .log("take-over: process {} accepts on {} of the {} socket(s) handed over; this process stops accepting",
          peerPid, taken.size(), handed.size());
      done = true;
      // The control socket closes first (Netty removes its file as it does): the new process puts its own in place
      // once told that this one stopped, and this one's later exit must not remove that.
      Promise<Void> controlClosed = Promise.promise();
      ctx.channel().parent().close().addListener(f -> controlClosed.complete());
      controlClosed.future().compose(closed -> runtime.sockets().handedOver(handed, taken))
          .compose(stopped -> stopAccepting.get())
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
      endTurn();
    }

    /** This conversation no longer holds the take-over: another may start, and changes are let through again. */
    private void endTurn() {
      if (turnTaken && !done) {
        turnTaken = false;
        runtime.freeze(null);
        busy.set(false);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (turnTaken && !done && peerPid != 0) {
        LOG.warn("take-over: process {} went away before it accepted; this process goes on serving", peerPid);
      }
      holdsTurn = false;
      endTurn();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warn("take-over: {}", cause.getMessage());
      ctx.close();
    }
  }
}
