package io.portfw.core.listener;

import io.portfw.config.ConfigDiff;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.config.Protocol;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Tries, before a reload binds anything for real, whether every new address can be bound, so a
 * port taken by another process fails the reload before any new listener accepts a client. An
 * address the running config already binds is shared by the new deployment and not tried.
 */
public final class BindCheck {

  private BindCheck() {}

  /**
   * The first address of the reload that cannot be bound, as the one-line reason; empty when all
   * can. Ports whose sockets were handed over by a take-over are not tried: they are bound already.
   */
  public static Optional<String> firstFailure(ConfigDiff diff, PortfwConfig running, SocketInheritance handedOver) {
    for (ListenerConfig l : (Iterable<ListenerConfig>) Stream.concat(diff.added().stream(), diff.rebound().stream())::iterator) {
      String host = l.listen().host();
      for (int port = l.listen().firstPort(); port <= l.listen().lastPort(); port++) {
        if (boundNow(running, l, port)) {
          continue;
        }
        try {
          if (handedOver.wasInherited(new SocketInheritance.Place(l.protocol(), InetAddress.getByName(host), port))) {
            continue;
          }
          tryBind(l, host, port);
        } catch (IOException e) {
          return Optional.of(new ListenException(l, host, port, e).getMessage());
        }
      }
    }
    return Optional.empty();
  }

  private static void tryBind(ListenerConfig l, String host, int port) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
    if (l.protocol() == Protocol.UDP) {
      try (DatagramSocket probe = new DatagramSocket(null)) {
        probe.bind(address); // a datagram that arrives in this instant is lost, as on any busy UDP port
      }
      return;
    }
    tryBindTcp(address.getAddress(), port);
  }

  /**
   * Binds a TCP socket without SO_REUSEPORT and never listens: a server socket would accept (and
   * then reset) clients for an instant. With SO_REUSEADDR, as Netty binds, a port in TIME_WAIT is
   * free and one with a listener is not.
   */
  public static void tryBindTcp(InetAddress address, int port) throws IOException {
    try (Socket probe = new Socket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(address, port));
    }
  }

  private static boolean boundNow(PortfwConfig running, ListenerConfig l, int port) {
    return running.listeners().stream().anyMatch(r -> r.protocol() == l.protocol()
        && r.listen().host().equals(l.listen().host()) && r.listen().firstPort() <= port && port <= r.listen().lastPort());
  }
}
