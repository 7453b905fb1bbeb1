package io.portfw.core;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.portfw.config.SocketConfig;

/** Puts a listener's socket options on a connected socket, client's or backend's. */
final class SocketOptions {

  private SocketOptions() {}

  /** Sets only what differs from Netty's defaults: each option is a system call on every connection. */
  static void apply(ChannelConfig channel, SocketConfig socket) {
    if (!socket.noDelay()) {
      channel.setOption(ChannelOption.TCP_NODELAY, false); // Netty turns it on for every socket
    }
    if (socket.keepAlive()) {
      channel.setOption(ChannelOption.SO_KEEPALIVE, true);
    }
    if (socket.receiveBuffer() > 0) {
      channel.setOption(ChannelOption.SO_RCVBUF, socket.receiveBuffer());
    }
    if (socket.sendBuffer() > 0) {
      channel.setOption(ChannelOption.SO_SNDBUF, socket.sendBuffer());
    }
  }
}
