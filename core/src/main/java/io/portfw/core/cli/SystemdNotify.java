package io.portfw.core.cli;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a service manager how portfw is doing, the sd_notify way: one datagram per state
 * ({@code READY=1}, {@code RELOADING=1}, {@code STOPPING=1}, {@code STATUS=...}) to the unix socket
 * named by {@code NOTIFY_SOCKET} (an {@code @} name is in the abstract namespace). Sent through
 * Netty's epoll unix datagram channel: the JDK has no unix datagram sockets. Without the variable,
 * or without epoll, it does nothing.
 */
final class SystemdNotify implements AutoCloseable {

  static final String VARIABLE = "NOTIFY_SOCKET";
  private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);

  private final EpollDomainDatagramChannel channel;

  private SystemdNotify(EpollDomainDatagramChannel channel) {
    this.channel = channel;
  }

  /** The notifier for {@code NOTIFY_SOCKET} (given as {@code socket}), on {@code loop}; null when there is nothing to tell. */
  static SystemdNotify open(String socket, EventLoop loop) {
    if (socket == null || socket.isBlank()) {
      return null;
    }
    if (!Epoll.isAvailable()) {
      LOG.warn("{} is set, but the epoll transport is unavailable: the service manager is not told of the state",
          VARIABLE);
      return null;
    }
    String path = socket.startsWith("@") ? "\0" + socket.substring(1) : socket;
    EpollDomainDatagramChannel channel = new EpollDomainDatagramChannel();
    DomainSocketAddress target = new DomainSocketAddress(path);
    try {
      // Connected: Netty writes only on an active channel, and every message goes to the one socket anyway.
      loop.register(channel).syncUninterruptibly();
      channel.connect(target).syncUninterruptibly();
    } catch (RuntimeException e) {
      channel.close();
      LOG.warn("{}: cannot reach {} to tell the service manager: {}", VARIABLE, socket, e.getMessage());
      return null;
    }
    return new SystemdNotify(channel);
  }

  /** Sends one state message, e.g. {@code "READY=1\nSTATUS=..."}; a failure is logged, never thrown. */
  void send(String message) {
    channel.writeAndFlush(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8))
        .addListener(f -> {
          if (!f.isSuccess()) {
            LOG.warn("{}: the service manager was not told \"{}\": {}", VARIABLE, message.replace('\n', ' '),
                f.cause().toString());
          }
        }).awaitUninterruptibly(1, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
  }
}
