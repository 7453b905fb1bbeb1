package io.portfw.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Plain JDK client sockets on loopback, with timeouts so that no test can hang. */
public final class Clients {

  private Clients() {}

  /** A connection to 127.0.0.1:{@code port}, reads timing out after 15 s. */
  public static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(15_000);
    return s;
  }

  /** Sends {@code text} and reads as many bytes back: one round trip through an echo backend. */
  public static String echo(Socket s, String text) throws IOException {
    byte[] sent = text.getBytes(StandardCharsets.UTF_8);
    s.getOutputStream().write(sent);
    return new String(s.getInputStream().readNBytes(sent.length), StandardCharsets.UTF_8);
  }

  /** Whether something accepts connections on 127.0.0.1:{@code port} now. */
  public static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
