package io.portfw.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real UDP server on loopback: answers each datagram with its tag (when it has one) followed
 * by the datagram's bytes, and remembers which source addresses it heard from.
 */
public final class UdpEchoBackend implements AutoCloseable {

  private final DatagramSocket socket;
  private final byte[] tag;
  private final AtomicInteger received = new AtomicInteger();
  private final Set<SocketAddress> sources = ConcurrentHashMap.newKeySet();

  public UdpEchoBackend(String tag) throws IOException {
    this(tag, 0);
  }

  public UdpEchoBackend(String tag, int port) throws IOException {
    this.tag = tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    socket = new DatagramSocket(null);
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    socket.setReceiveBufferSize(4 << 20);
    Thread t = new Thread(this::serve, "udp-echo-" + tag);
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return socket.getLocalPort();
  }

  public String address() {
    return "127.0.0.1:" + port();
  }

  public int received() {
    return received.get();
  }

  /** The distinct source addresses (portfw's session sockets) datagrams came from. */
  public Set<SocketAddress> sources() {
    return sources;
  }

  private void serve() {
    byte[] buffer = new byte[65_536];
    while (!socket.isClosed()) {
      try {
        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
        socket.receive(in);
        received.incrementAndGet();
        sources.add(in.getSocketAddress());
        byte[] out = new byte[Math.min(65_507, tag.length + in.getLength())];
        System.arraycopy(tag, 0, out, 0, tag.length);
        System.arraycopy(in.getData(), 0, out, tag.length, out.length - tag.length);
        socket.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
      } catch (IOException e) {
        // closed, or a send to a gone client
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
