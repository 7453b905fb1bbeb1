package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder.Route;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.UdpEchoBackend;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Short flows in bulk, every answer checked: 100,000 TCP connections, each a request and its own
 * answer, and 1,000,000 UDP queries, each matched to its reply by number and content. The flow
 * set-up path is where portfw saves the most system calls and objects; this is what proves it
 * loses nothing while doing so. Bounded: each part stops at its deadline and fails if unfinished.
 */
class StressIT {

  private static final int CONNECTIONS = 100_000;
  private static final int DATAGRAMS = 1_000_000;
  private static final int THREADS = 4;

  /** Answers each connection's 8-byte number with that number, 24 bytes of its own, and a close. */
  private static final class NumberBackend implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
    private final ExecutorService workers = Executors.newFixedThreadPool(THREADS);

    NumberBackend() throws IOException {
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            workers.execute(() -> answer(s));
          } catch (IOException closed) {
            return;
          }
        }
      }, "stress-backend");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private static void answer(Socket s) {
      try (s) {
        byte[] number = s.getInputStream().readNBytes(8);
        s.getOutputStream().write(answerTo(number));
      } catch (IOException ignored) {
        // the client's check fails for it
      }
    }

    String address() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      workers.shutdownNow();
    }
  }

  static byte[] answerTo(byte[] number) {
    byte[] answer = Arrays.copyOf(number, 32);
    for (int i = 8; i < 32; i++) {
      answer[i] = (byte) (number[i % 8] ^ i);
    }
    return answer;
  }

  @Test
  void hundredThousandShortConnections_eachGetsItsOwnAnswer() throws Exception {
    try (NumberBackend backend = new NumberBackend();
         RunningForwarder forwarder = RunningForwarder.startEach(
             new Route("web", Ports.free(), backend.address()))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      AtomicLong next = new AtomicLong();
      ExecutorService clients = Executors.newFixedThreadPool(THREADS);
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(clients.submit(() -> {
          int answered = 0;
          for (long n; (n = next.getAndIncrement()) < CONNECTIONS && System.nanoTime() < deadline; ) {
            byte[] number = ByteBuffer.allocate(8).putLong(n).array();
            try (Socket s = forwarder.connect()) {
              s.setSoTimeout(5_000);
              s.getOutputStream().write(number);
              byte[] answer = s.getInputStream().readAllBytes();
              assertThat(answer).as("answer to connection %d", n).isEqualTo(answerTo(number));
              answered++;
            } catch (SocketTimeoutException stuck) {
              throw new AssertionError("connection " + n + " got no answer within 5 s", stuck);
            }
          }
          return answered;
        }));
      }
      int answered = 0;
      for (Future<Integer> f : done) {
        answered += f.get(200, TimeUnit.SECONDS);
      }
      clients.shutdown();
      assertThat(answered).as("connections answered within 180 s").isEqualTo(CONNECTIONS);
    }
  }

  @Test
  void millionDatagrams_eachMatchedToItsReply() throws Exception {
    try (UdpEchoBackend echo = new UdpEchoBackend("");
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "dns", "protocol": "udp", "timeouts": { "drain": "1s" }, "listen": "127.0.0.1:%d", "pool": "p" } ],
               "pools": [ { "name": "p", "backends": [ { "address": "%s" } ] } ] }
             """.formatted(Ports.free(), echo.address()))) {
      InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), forwarder.port());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      ExecutorService clients = Executors.newFixedThreadPool(THREADS);
      List<Future<long[]>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int first = t * (DATAGRAMS / THREADS);
        done.add(clients.submit(() -> queries(to, first, DATAGRAMS / THREADS, deadline)));
      }
      long matched = 0;
      long resent = 0;
      for (Future<long[]> f : done) {
        long[] result = f.get(200, TimeUnit.SECONDS);
        matched += result[0];
        resent += result[1];
      }
      clients.shutdown();
      assertThat(matched).as("queries answered within 180 s").isEqualTo(DATAGRAMS);
      // UDP may drop a datagram under load; a lost one is sent again, and that must stay rare.
      assertThat(resent).as("queries sent again after a loss").isLessThan(DATAGRAMS / 1_000);
    }
  }

  /**
   * Sends {@code count} numbered queries from one client port, up to 16 in flight, and checks each
   * reply against its query; a query unanswered for 500 ms is sent again. Returns {matched, resent}.
   */
  private static long[] queries(InetSocketAddress to, int first, int count, long deadline) throws IOException {
    final int window = 16;
    long resent = 0;
    int matched = 0;
    int sent = 0;
    long[] sentAt = new long[count];
    boolean[] answered = new boolean[count];
    byte[] reply = new byte[64];
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setReceiveBufferSize(1 << 20);
      socket.setSoTimeout(100);
      int oldest = 0;
      while (matched < count && System.nanoTime() < deadline) {
        while (sent < count && sent - oldest < window) {
          send(socket, to, first + sent);
          sentAt[sent++] = System.nanoTime();
        }
        try {
          DatagramPacket p = new DatagramPacket(reply, reply.length);
          socket.receive(p);
          int n = (int) ByteBuffer.wrap(p.getData(), 0, 8).getLong() - first;
          assertThat(p.getLength()).as("reply length").isEqualTo(32);
          assertThat(Arrays.copyOf(p.getData(), 32)).as("reply to query %d", first + n)
              .isEqualTo(answerTo(Arrays.copyOf(p.getData(), 8)));
          if (n >= 0 && n < count && !answered[n]) {
            answered[n] = true;
            matched++;
          }
        } catch (SocketTimeoutException quiet) {
          // checked below: whatever is overdue is sent again
        }
        while (oldest < sent && answered[oldest]) {
          oldest++;
        }
        long now = System.nanoTime();
        for (int i = oldest; i < sent; i++) {
          if (!answered[i] && now - sentAt[i] > TimeUnit.MILLISECONDS.toNanos(500)) {
            send(socket, to, first + i);
            sentAt[i] = now;
            resent++;
          }
        }
      }
    }
    return new long[] {matched, resent};
  }

  private static void send(DatagramSocket socket, InetSocketAddress to, long n) throws IOException {
    byte[] query = answerTo(ByteBuffer.allocate(8).putLong(n).array());
    socket.send(new DatagramPacket(query, query.length, to));
  }
}
