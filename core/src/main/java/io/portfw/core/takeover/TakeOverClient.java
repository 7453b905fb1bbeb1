package io.portfw.core.takeover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.portfw.core.listener.SocketInheritance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The new side of a take-over: asks the portfw running on a state directory's control socket for
 * its listening sockets and state, and, once this process serves on them, tells it to stop.
 */
public final class TakeOverClient implements AutoCloseable {

  /** How long the running process may take to answer each step. */
  private static final long STEP_SECONDS = 30;

  /** What the running process handed over. */
  public record Handover(long pid, List<SocketInheritance.Handed> sockets, JsonNode state) {}

  private final Channel channel;
  private final Conversation conversation;

  private TakeOverClient(Channel channel, Conversation conversation) {
    this.channel = channel;
    this.conversation = conversation;
  }

  /** Connects to the running process and receives its sockets and state; fails with why it cannot. */
  public static Future<TakeOverClient> connect(Vertx vertx, Path socket) {
    EventLoop loop = ((VertxInternal) vertx).nettyEventLoopGroup().next();
    Conversation conversation = new Conversation();
    Promise<TakeOverClient> connected = Promise.promise();
    new Bootstrap().group(loop).channelFactory(EpollDomainSocketChannel::new)
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            Wire.frame(ch.pipeline());
            ch.pipeline().addLast(conversation);
          }
        })
        .connect(new DomainSocketAddress(socket.toString())).addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess()) {
            connected.fail(new IOException("no portfw to take over at " + socket + ": "
                + f.cause().getMessage()));
            return;
          }
          String refused = Peers.refusal(f.channel());
          if (refused != null) {
            f.channel().close();
            connected.fail(new IOException("will not take over from " + socket + ": " + refused));
            return;
          }
          connected.complete(new TakeOverClient(f.channel(), conversation));
          f.channel().writeAndFlush(Wire.line(Wire.message(Wire.HELLO).put("pid", ProcessHandle.current().pid())));
        });
    return connected.future().compose(client -> within(vertx, client.conversation.handover.future(),
        "the running portfw did not hand its sockets over").map(client).onFailure(e -> client.close()));
  }

  /** The sockets and state handed over. */
  public Handover handover() {
    return conversation.handover.future().result();
  }

  /**
   * Tells the running process this one serves now on the sockets {@code taken} (positions in the
   * list it sent; it closes the others); completes once it has stopped accepting.
   */
  public Future<Void> accepting(Vertx vertx, Set<Integer> taken) {
    ObjectNode message = Wire.message(Wire.ACCEPTING);
    taken.stream().sorted().forEach(message.putArray("taken")::add);
    channel.writeAndFlush(Wire.line(message));
    return within(vertx, conversation.stopped.future(), "the running portfw did not confirm that it stopped");
  }

  private static <T> Future<T> within(Vertx vertx, Future<T> step, String late) {
    Promise<T> out = Promise.promise();
    long timer = vertx.setTimer(TimeUnit.SECONDS.toMillis(STEP_SECONDS),
        t -> out.tryFail(new TimeoutException(late + " within " + STEP_SECONDS + " s")));
    step.onComplete(r -> {
      vertx.cancelTimer(timer);
      if (r.succeeded()) {
        out.tryComplete(r.result());
      } else {
        out.tryFail(r.cause());
      }
    });
    return out.future();
  }

  /** Ends the conversation: before {@link #accepting} this leaves the running process as it was. */
  @Override
  public void close() {
    channel.close();
  }

  /** The messages of one take-over, on the new side. */
  private static final class Conversation extends ChannelInboundHandlerAdapter {

    final Promise<Handover> handover = Promise.promise();
    final Promise<Void> stopped = Promise.promise();
    private long pid;
    private JsonNode state;
    private List<SocketInheritance.Place> places;
    private final List<SocketInheritance.Handed> received = new ArrayList<>();
    /** The end (exclusive) of the batch of descriptors asked for. */
    private int batchEnd;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
      if (msg instanceof FileDescriptor fd) {
        descriptor(ctx, fd);
        return;
      }
      try {
        JsonNode message = Wire.read((ByteBuf) msg);
        switch (message.path("type").asText()) {
          case Wire.STATE -> state(ctx, message);
          case Wire.STOPPED -> stopped.tryComplete();
          case Wire.REFUSED -> fail(new IOException("the running portfw refused: " + message.path("reason").asText()));
          default -> fail(new IOException("unexpected message " + message.path("type").asText()));
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void state(ChannelHandlerContext ctx, JsonNode message) throws IOException {
      pid = message.path("pid").asLong();
      state = message.path("state");
      places = Wire.places(message.path("sockets"));
      if (places.isEmpty()) {
        handover.tryComplete(new Handover(pid, List.of(), state));
        return;
      }
      // Descriptors come next: reads take them (with their one byte each) instead of bytes until all are here.
      ctx.channel().config().setOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS);
      askFrom(ctx, 0);
    }

    /** Asks for the next batch of descriptors: a bounded number at a time, so none waits on a full socket buffer. */
    private void askFrom(ChannelHandlerContext ctx, int from) {
      batchEnd = Math.min(places.size(), from + TakeOverServer.DESCRIPTORS_PER_BATCH);
      ctx.writeAndFlush(Wire.line(Wire.message(Wire.SEND_SOCKETS).put("from", from)));
    }

    private void descriptor(ChannelHandlerContext ctx, FileDescriptor fd) throws IOException {
      if (places == null || received.size() >= batchEnd) {
        fd.close();
        fail(new IOException("the running portfw sent a socket it had not listed"));
        ctx.close();
        return;
      }
      SocketInheritance.Place place = places.get(received.size());
      InetSocketAddress local = new Socket(fd.intValue()).localAddress();
      if (local == null || local.getPort() != place.port() || !local.getAddress().equals(place.address())) {
        fd.close();
        fail(new IOException("a socket handed over is not " + place + " (it is " + local + ")"));
        ctx.close();
        return;
      }
      received.add(new SocketInheritance.Handed(place, fd, null));
      if (received.size() == places.size()) {
        ctx.channel().config().setOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.BYTES);
        handover.tryComplete(new Handover(pid, List.copyOf(received), state));
      } else if (received.size() == batchEnd) {
        askFrom(ctx, batchEnd);
      }
    }

    private void fail(IOException e) {
      handover.tryFail(e);
      stopped.tryFail(e);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(new IOException(places != null && !handover.future().isComplete()
          ? "the running portfw closed the take-over while handing the sockets over (did its sockets change?)"
          : "the running portfw closed the take-over"));
      if (!handover.future().succeeded()) {
        received.forEach(h -> closeQuietly(h.fd()));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(new IOException("take-over: " + cause.getMessage(), cause));
      ctx.close();
    }

    private static void closeQuietly(FileDescriptor fd) {
      try {
        fd.close();
      } catch (IOException ignored) {
        // it was ours only: nothing more to do
      }
    }
  }
}
