package io.portfw.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Answers every connection with the address and port it came from ({@code 127.0.0.2 42001}), then
 * keeps it open until the client closes: shows where a forwarder's connections are made from.
 */
public final class PeerBackend extends BlockingBackend {

  @Override
  protected void serve(Socket socket) throws IOException {
    socket.getOutputStream().write((socket.getInetAddress().getHostAddress() + " " + socket.getPort() + "\n")
        .getBytes(StandardCharsets.US_ASCII));
    socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
  }
}
