package io.portfw.core.listener;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.portfw.config.SocketConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** Puts a listener's socket options on its sockets: accepted ones, and backend ones before they connect. */
public final class SocketOptions {

  private SocketOptions() {}

  /**
   * Only what differs from Netty's defaults: each option is a system call on every connection.
   * Netty turns TCP_NODELAY on for every socket, so only {@code noDelay: false} needs a call.
   */
  static Map<ChannelOption<?>, Object> changes(SocketConfig socket) {
    Map<ChannelOption<?>, Object> options = new LinkedHashMap<>();
    if (!socket.noDelay()) {
      options.put(ChannelOption.TCP_NODELAY, false);
    }
    if (socket.keepAlive()) {
      options.put(ChannelOption.SO_KEEPALIVE, true);
    }
    if (socket.receiveBuffer() > 0) {
      options.put(ChannelOption.SO_RCVBUF, socket.receiveBuffer());
    }
    if (socket.sendBuffer() > 0) {
      options.put(ChannelOption.SO_SNDBUF, socket.sendBuffer());
    }
    return options;
  }

  /** On a connected socket; with the defaults (the common case) nothing is made or called. */
  public static void apply(ChannelConfig channel, SocketConfig socket) {
    if (!socket.equals(SocketConfig.DEFAULT)) {
      channel.setOptions(changes(socket));
    }
  }

  /** On every socket {@code bootstrap} makes, before it connects (a receive buffer must be set by then). */
  @SuppressWarnings("unchecked")
  public static Bootstrap apply(Bootstrap bootstrap, SocketConfig socket) {
    changes(socket).forEach((option, value) -> bootstrap.option((ChannelOption<Object>) option, value));
    return bootstrap;
  }
}
