package io.portfw.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Answers every connection with its name and a newline, then closes: shows who served it. */
public final class TaggedBackend extends BlockingBackend {

  private final String name;

  public TaggedBackend(String name) {
    this.name = name;
  }

  public TaggedBackend(String name, String host, int port) {
    super(host, port);
    this.name = name;
  }

  public String name() {
    return name;
  }

  @Override
  protected void serve(Socket socket) throws IOException {
    socket.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
    socket.shutdownOutput();
    socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
  }
}
