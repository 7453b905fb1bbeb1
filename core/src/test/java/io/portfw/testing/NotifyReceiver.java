package io.portfw.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The unix datagram socket systemd reads service notifications on ({@code NOTIFY_SOCKET}), bound by a test. */
public final class NotifyReceiver implements AutoCloseable {

  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final EpollDomainDatagramChannel receiver = new EpollDomainDatagramChannel();
  private final Path socket;

  private NotifyReceiver(Path socket) {
    this.socket = socket;
  }

  public static NotifyReceiver bind(Path socket) throws InterruptedException {
    NotifyReceiver r = new NotifyReceiver(socket);
    r.receiver.pipeline().addLast(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
        r.messages.add(packet.content().toString(StandardCharsets.UTF_8));
      }
    });
    r.group.register(r.receiver).sync();
    r.receiver.bind(new DomainSocketAddress(socket.toString())).sync();
    return r;
  }

  /** The value for {@code NOTIFY_SOCKET}. */
  public String path() {
    return socket.toString();
  }

  /** The next message, or null when none came within {@code within}. */
  public String next(Duration within) throws InterruptedException {
    return messages.poll(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    receiver.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }
}
