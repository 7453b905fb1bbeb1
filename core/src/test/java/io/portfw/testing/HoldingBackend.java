package io.portfw.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Reads everything up to the client's FIN, then neither answers nor closes: the silent, stuck
 * server that the fin timeout exists for. Its sockets close when the backend is closed.
 */
public final class HoldingBackend extends BlockingBackend {

  @Override
  protected void serve(Socket socket) throws IOException {
    socket.getInputStream().transferTo(OutputStream.nullOutputStream());
    try {
      Thread.sleep(60_000); // the scenario: hold the connection open without a word, longer than any test
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
