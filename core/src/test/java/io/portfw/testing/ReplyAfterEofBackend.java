package io.portfw.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Reads the whole request up to the client's FIN, then answers with its length and SHA-256 and a
 * trailer line: a reply that can only arrive if the client's half-close reached it and the
 * reverse direction kept flowing.
 */
public final class ReplyAfterEofBackend extends BlockingBackend {

  public static final String TRAILER = "sent after your FIN";

  @Override
  protected void serve(Socket socket) throws IOException {
    Payloads.Received request = Payloads.readAll(socket.getInputStream());
    String reply = request.bytes() + " " + request.sha256() + "\n" + TRAILER + "\n";
    socket.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
    socket.shutdownOutput();
  }
}
