package io.portfw.core.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.transport.Transport;

/**
 * Which of Netty's transports carries the sockets: epoll, with SO_REUSEPORT so every event loop
 * accepts on its own socket, or Java NIO where epoll cannot load.
 *
 * <p>io_uring is not offered: on Netty 4.2.12 it cost about a tenth less per new connection, but it
 * does not report a client's hang-up while portfw is not reading it (during the backend connect),
 * so such a client stays open; see docs/benchmarks.md.
 */
public enum NettyTransport {
  EPOLL("epoll", EpollChannelOption.SO_REUSEPORT),
  NIO("NIO", null);

  private final String word;
  private final ChannelOption<Boolean> reusePort;

  NettyTransport(String word, ChannelOption<Boolean> reusePort) {
    this.word = word;
    this.reusePort = reusePort;
  }

  /** SO_REUSEPORT for this transport's sockets; null on NIO, which has none. */
  public ChannelOption<Boolean> reusePort() {
    return reusePort;
  }

  /**
   * Makes the sockets that connect to backends of one address family. On epoll a socket of that
   * family: Netty's default is an IPv6 socket made dual-stack, one more system call
   * (IPV6_V6ONLY) for every IPv4 backend connection. Elsewhere the transport's own sockets.
   */
  public static ChannelFactory<? extends Channel> connectingSockets(Transport transport, SocketProtocolFamily family) {
    if (transport.getClass().getSimpleName().startsWith("Epoll") && Epoll.isAvailable()) {
      return () -> new EpollSocketChannel(family);
    }
    return transport.channelFactory(false);
  }

  /**
   * The transport a runtime started now would run on, and why: for {@code --version}, which starts
   * no Vert.x. Vert.x prefers epoll whenever its native library loads, as {@link #of} then finds.
   */
  public static String available() {
    if (Epoll.isAvailable()) {
      return EPOLL + " (its native library loads here)";
    }
    Throwable why = Epoll.unavailabilityCause();
    return NIO + " (epoll is unavailable: " + (why == null ? "unknown" : why.getMessage()) + ")";
  }

  /** The transport {@code vertx} runs on. */
  public static NettyTransport of(Vertx vertx) {
    // Vert.x picks epoll when it can; anything native but epoll (io_uring, where epoll is missing) gets no SO_REUSEPORT.
    String name = ((VertxInternal) vertx).transport().getClass().getSimpleName();
    return vertx.isNativeTransportEnabled() && name.startsWith("Epoll") ? EPOLL : NIO;
  }

  @Override
  public String toString() {
    return word;
  }
}
