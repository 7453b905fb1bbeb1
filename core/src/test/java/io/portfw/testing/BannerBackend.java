package io.portfw.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Speaks first, as SSH and SMTP servers do: sends a banner and its FIN at once, then reads what
 * the client still sends and records it.
 */
public final class BannerBackend extends BlockingBackend {

  public static final String BANNER = "220 banner then FIN\n";

  private final BlockingQueue<Payloads.Received> received = new LinkedBlockingQueue<>();

  @Override
  protected void serve(Socket socket) throws IOException {
    socket.getOutputStream().write(BANNER.getBytes(StandardCharsets.US_ASCII));
    socket.shutdownOutput();
    received.add(Payloads.readAll(socket.getInputStream()));
  }

  /** What each connection's client sent after the banner, in order of completion. */
  public BlockingQueue<Payloads.Received> received() {
    return received;
  }
}
