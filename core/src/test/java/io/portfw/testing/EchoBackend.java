package io.portfw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** Echoes every byte as it arrives; on the client's FIN it sends its own FIN and closes. */
public final class EchoBackend extends BlockingBackend {

  @Override
  protected void serve(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      out.write(buffer, 0, n);
    }
    socket.shutdownOutput();
  }
}
