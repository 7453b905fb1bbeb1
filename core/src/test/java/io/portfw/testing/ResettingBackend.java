package io.portfw.testing;

import java.io.IOException;
import java.net.Socket;

/** Accepts every connection and resets it at once: a broken server behind a live port. */
public final class ResettingBackend extends BlockingBackend {

  @Override
  protected void serve(Socket socket) throws IOException {
    socket.setSoLinger(true, 0);
  }
}
