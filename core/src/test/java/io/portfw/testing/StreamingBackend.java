package io.portfw.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a reproducible stream of {@code size} bytes to every client, counting what it managed
 * to write. With {@code resetAfter} it dies mid-transfer instead: after that many bytes it
 * resets the connection (SO_LINGER 0), as a crashed server's kernel does.
 */
public final class StreamingBackend extends BlockingBackend {

  private final long size;
  private final long resetAfter;
  private final AtomicLong written = new AtomicLong();

  public StreamingBackend(long size) {
    this(size, -1);
  }

  public StreamingBackend(long size, long resetAfter) {
    this.size = size;
    this.resetAfter = resetAfter;
  }

  /** Bytes written into the socket so far, over every connection. */
  public long written() {
    return written.get();
  }

  @Override
  protected void serve(Socket socket) throws IOException {
    long limit = resetAfter >= 0 ? resetAfter : size;
    Payloads.write(new CountingStream(socket.getOutputStream()), size, limit);
    if (resetAfter >= 0) {
      socket.setSoLinger(true, 0);
      return; // the close that follows sends RST
    }
    socket.shutdownOutput();
    socket.getInputStream().transferTo(OutputStream.nullOutputStream());
  }

  private final class CountingStream extends OutputStream {
    private final OutputStream out;

    CountingStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      written.incrementAndGet();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      // Counted in slices so the count follows the socket closely while the writer is blocked.
      for (int at = off; at < off + len; at += 8192) {
        int n = Math.min(8192, off + len - at);
        out.write(b, at, n);
        written.addAndGet(n);
      }
    }
  }
}
