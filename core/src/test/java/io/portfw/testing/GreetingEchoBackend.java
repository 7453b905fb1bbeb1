package io.portfw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Greets each connection at once with its number ({@code "hello 3\n"}), as server-first protocols
 * do, then echoes until the client's FIN. Can close every connection that has not spoken yet,
 * as a server with an idle timeout does.
 */
public final class GreetingEchoBackend extends BlockingBackend {

  private final AtomicInteger greeted = new AtomicInteger();
  private final Set<Socket> quiet = ConcurrentHashMap.newKeySet();

  @Override
  protected void serve(Socket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("hello " + greeted.incrementAndGet() + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    quiet.add(socket);
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[16 * 1024];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        quiet.remove(socket);
        out.write(buffer, 0, n);
      }
      socket.shutdownOutput();
    } finally {
      quiet.remove(socket);
    }
  }

  /** Connections greeted whose client has sent nothing yet. */
  public int quietCount() {
    return quiet.size();
  }

  /** Closes every connection whose client has sent nothing yet; returns how many. */
  public int closeQuiet() throws IOException {
    int closed = 0;
    for (Socket s : Set.copyOf(quiet)) {
      if (quiet.remove(s)) {
        s.close();
        closed++;
      }
    }
    return closed;
  }
}
