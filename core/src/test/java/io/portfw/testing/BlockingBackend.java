package io.portfw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP server on loopback, a thread per connection, written with plain JDK sockets so
 * the forwarder is never tested against itself. Subclasses say what to do with a connection.
 */
public abstract class BlockingBackend implements AutoCloseable {

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;

  protected BlockingBackend(String host, int port) {
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::acceptLoop, getClass().getSimpleName() + "-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  protected BlockingBackend() {
    this("127.0.0.1", 0);
  }

  /** Serves one connection; the socket is closed after it returns. */
  protected abstract void serve(Socket socket) throws IOException;

  public int port() {
    return server.getLocalPort();
  }

  public String address() {
    return server.getInetAddress().getHostAddress() + ":" + port();
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        open.add(socket);
        Thread worker = new Thread(() -> handle(socket), getClass().getSimpleName() + "-conn");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      serve(socket);
    } catch (IOException e) {
      // the peer went away; nothing to do for a test backend
    } finally {
      open.remove(socket);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
      for (Socket s : open) {
        s.close();
      }
      acceptor.join(5_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
