package io.portfw.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
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

  /** A connection to 127.0.0.1:{@code port} from the loopback address {@code local} (127.0.0.2, say: another source). */
  public static Socket from(String local, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(local, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  /**
   * Everything a new connection to {@code port} is sent until the other side closes, stripped;
   * "" when it was closed or reset without a word. A client left hanging fails the test.
   */
  public static String answerOf(int port) throws IOException {
    try (Socket socket = connect(port)) {
      socket.setSoTimeout(20_000);
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    } catch (java.net.SocketTimeoutException hung) {
      throw new AssertionError("the forwarder left the client hanging", hung);
    } catch (java.net.SocketException reset) {
      return "";
    }
  }

  /** Writes {@code text} without waiting for an answer (a client whose connection may be held back). */
  public static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** What came back within {@code millis}, or null when nothing did. */
  public static String answerWithin(Socket s, int millis) throws IOException {
    s.setSoTimeout(millis);
    byte[] buffer = new byte[64];
    try {
      int n = s.getInputStream().read(buffer);
      return n <= 0 ? null : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    } catch (SocketTimeoutException nothing) {
      return null;
    }
  }

  /** Whether the connection ends (FIN or reset) within {@code millis}. */
  public static boolean endsWithin(Socket s, int millis) throws IOException {
    s.setSoTimeout(millis);
    try {
      return s.getInputStream().read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }
}
