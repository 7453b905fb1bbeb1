package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.BlockingBackend;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder.Route;
import io.portfw.testing.RunningForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Thousands of short connections one after another, each a request and an answer after which the
 * backend closes first and the client leaves with unread bytes (a reset), as HTTP clients with
 * {@code Connection: close} do. Every one must get its answer. When portfw closed sockets in the
 * middle of handling a batch of epoll events, a socket made right after could get the closed
 * one's descriptor number and its stale end-of-input event, and about one connection in 3,000
 * then waited for ever.
 */
class ManyShortConnectionsIT {

  private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Length: 300\r\nConnection: close\r\n\r\n" + "a".repeat(300))
      .getBytes(StandardCharsets.US_ASCII);

  /** Reads one request, answers, and closes. */
  private static final class AnswerAndClose extends BlockingBackend {
    @Override
    protected void serve(Socket socket) throws IOException {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[1024];
      int read = 0;
      while (read < REQUEST.length) {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
          return;
        }
        read += n;
      }
      socket.getOutputStream().write(ANSWER);
    }
  }

  @Test
  void everyConnectionOfAThousandsLongSeriesGetsItsAnswer() throws Exception {
    try (AnswerAndClose backend = new AnswerAndClose();
         RunningForwarder forwarder = RunningForwarder.startEach(new Route("web", Ports.free(), backend.address()))) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      int done = 0;
      for (; done < 8_000 && System.nanoTime() < deadline; done++) {
        try (Socket client = forwarder.connect()) {
          client.setSoTimeout(3_000);
          client.getOutputStream().write(REQUEST);
          try {
            assertThat(client.getInputStream().read()).as("first byte of answer %d", done).isEqualTo('H');
          } catch (SocketTimeoutException stuck) {
            throw new AssertionError("connection " + done + " got no answer within 3 s", stuck);
          }
        } // closed with most of the answer unread: a reset
      }
      assertThat(done).as("connections made within 30 s").isGreaterThanOrEqualTo(2_000);
    }
  }
}
