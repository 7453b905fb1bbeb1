package io.portfw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Traffic that does not pause, for changes that must not drop any of it (a take-over): short TCP
 * connections one after another, long ones that stream for seconds each and end on their own,
 * and UDP requests each waiting for its answer. Every byte is checked; anything refused, reset,
 * cut short or unanswered is a failure. Bounded: every loop stops at {@link #stop} or after
 * {@link #LIMIT}, whichever comes first.
 */
public final class ContinuousLoad {

  public static final int SHORT_CLIENTS = 2;
  public static final int LONG_CLIENTS = 4;
  /** How long one long connection streams before it closes. */
  private static final Duration LONG_LIFE = Duration.ofSeconds(3);
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final int SHORT_BYTES = 4096;
  private static final int CHUNK = 512;

  /** What the load met. */
  public record Result(long shortOk, long longOk, long datagramsAnswered, List<String> failures) {}

  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicLong shortOk = new AtomicLong();
  private final AtomicLong longOk = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private final long deadline = System.nanoTime() + LIMIT.toNanos();
  private Result result;

  private ContinuousLoad() {}

  /** Echo traffic to {@code tcpPort}, and datagrams to an echoing {@code udpPort} (0: none). */
  public static ContinuousLoad start(int tcpPort, int udpPort) {
    ContinuousLoad load = new ContinuousLoad();
    for (int i = 0; i < SHORT_CLIENTS; i++) {
      long seed = i;
      load.spawn("short-" + i, () -> load.shortConnections(tcpPort, seed));
    }
    for (int i = 0; i < LONG_CLIENTS; i++) {
      long seed = 100 + i;
      load.spawn("long-" + i, () -> load.longConnections(tcpPort, seed));
    }
    if (udpPort != 0) {
      load.spawn("udp", () -> load.datagrams(udpPort));
    }
    return load;
  }

  public long shortOk() {
    return shortOk.get();
  }

  /** Waits (at most 30 s) until {@code count} short connections in all went through. */
  public void awaitShortOk(long count) {
    Eventually.holds(Duration.ofSeconds(30), () -> count + " short connections through; failures so far: " + failures,
        () -> shortOk.get() >= count);
  }

  /** Stops every loop, waits for the connections under way to finish, and returns what they met. */
  public synchronized Result stop() throws InterruptedException {
    if (result == null) {
      stopping.set(true);
      for (Thread t : threads) {
        t.join(LONG_LIFE.toMillis() + 20_000);
        if (t.isAlive()) {
          failures.add(t.getName() + " did not finish");
        }
      }
      result = new Result(shortOk.get(), longOk.get(), answered.get(), List.copyOf(failures));
    }
    return result;
  }

  private boolean going() {
    return !stopping.get() && System.nanoTime() < deadline;
  }

  private void spawn(String name, Runnable loop) {
    Thread t = new Thread(loop, "load-" + name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void shortConnections(int port, long seed) {
    for (long n = 0; going(); n++) {
      byte[] sent = Payloads.bytes(seed * 1_000_000 + n, SHORT_BYTES);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(sent);
        s.shutdownOutput();
        byte[] back = s.getInputStream().readAllBytes();
        if (!Arrays.equals(sent, back)) {
          failures.add("short connection " + seed + "/" + n + ": " + back.length + " bytes back of " + sent.length);
        } else {
          shortOk.incrementAndGet();
        }
      } catch (IOException e) {
        failures.add("short connection " + seed + "/" + n + ": " + e);
      }
    }
  }

  private void longConnections(int port, long seed) {
    for (long n = 0; going(); n++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        long until = System.nanoTime() + LONG_LIFE.toNanos();
        for (int chunk = 0; System.nanoTime() < until; chunk++) {
          byte[] sent = Payloads.bytes(seed * 1_000_000 + n * 1000 + chunk, CHUNK);
          out.write(sent);
          byte[] back = in.readNBytes(CHUNK);
          if (!Arrays.equals(sent, back)) {
            throw new IOException("chunk " + chunk + " came back different (" + back.length + " bytes)");
          }
          Thread.sleep(20);
        }
        s.shutdownOutput();
        if (in.read() != -1) {
          throw new IOException("more bytes than were sent");
        }
        longOk.incrementAndGet();
      } catch (IOException e) {
        failures.add("long connection " + seed + "/" + n + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void datagrams(int port) {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      socket.setSoTimeout(3_000);
      byte[] buffer = new byte[2048];
      for (long n = 0; going(); n++) {
        String text = "q" + n;
        byte[] q = text.getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), port));
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(reply);
          String answer = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
          if (answer.endsWith(text)) {
            answered.incrementAndGet();
          } else {
            failures.add("datagram " + n + ": answered " + answer);
          }
        } catch (java.net.SocketTimeoutException lost) {
          failures.add("datagram " + n + ": no answer within 3 s");
        }
        Thread.sleep(5);
      }
    } catch (IOException e) {
      failures.add("datagrams: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
