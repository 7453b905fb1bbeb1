package io.portfw.core.it;

import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.Refusal;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A pool's waiting line ({@code queue}) with held connections: when its one backend is at its
 * limit, clients wait first come first served, one more than {@code max} is refused at once, and
 * one that waits longer than {@code timeout} is refused then.
 */
class QueueIT {

  @Test
  void fullBackend_clientsWaitInOrder_beyondMaxRefused_tooLongRefused() throws Exception {
    try (EchoBackend backend = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p" } ],
               "pools": [ { "name": "p", "backends": [ { "address": "%s", "maxConnections": 1 } ],
                            "queue": { "max": 2, "timeout": "3s" } } ] }
             """.formatted(Ports.free(), backend.address()))) {
      AdminHttp admin = new AdminHttp(forwarder.adminUrl());
      Socket first = connect(forwarder.port());
      assertThat(echo(first, "one")).isEqualTo("one");

      Socket second = connect(forwarder.port());
      send(second, "two");
      Eventually.holds(Duration.ofSeconds(5), "the second waits", () -> queueLength(admin) == 1);
      Socket third = connect(forwarder.port());
      send(third, "three");
      Eventually.holds(Duration.ofSeconds(5), "the third waits behind it", () -> queueLength(admin) == 2);

      Socket fourth = connect(forwarder.port());
      assertThat(ended(fourth, 5_000)).as("beyond max: refused at once").isTrue();
      assertThat(forwarder.runtime().refusedConnections("l", Refusal.QUEUE_FULL)).isEqualTo(1);
      assertThat(answer(second, 300)).as("nothing while the backend is full").isNull();

      first.close(); // its slot goes to the one that waited longest
      assertThat(answer(second, 5_000)).isEqualTo("two");
      assertThat(answer(third, 300)).as("the third still waits: one slot").isNull();

      // The second keeps the slot: the third waits out its timeout and is refused.
      assertThat(ended(third, 10_000)).isTrue();
      assertThat(forwarder.runtime().refusedConnections("l", Refusal.QUEUE_TIMEOUT)).isEqualTo(1);
      assertThat(queueLength(admin)).isZero();
      String scrape = admin.get("/metrics").body();
      assertThat(AdminHttp.metric(scrape, "portfw_pool_queue_waited_total", "pool=\"p\"")).isEqualTo(2);
      assertThat(AdminHttp.metric(scrape, "portfw_pool_queue_wait_seconds_total", "pool=\"p\"")).isGreaterThan(2.5);
      second.close();
      fourth.close();
    }
  }

  private static int queueLength(AdminHttp admin) {
    try {
      return admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0).getJsonObject("queue")
          .getInteger("length");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(Socket s, String text) throws Exception {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** What came back within {@code millis}, or null when nothing did. */
  private static String answer(Socket s, int millis) throws Exception {
    s.setSoTimeout(millis);
    byte[] buffer = new byte[64];
    try {
      int n = s.getInputStream().read(buffer);
      return n <= 0 ? null : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    } catch (SocketTimeoutException nothing) {
      return null;
    }
  }

  /** Whether the connection ends (FIN or reset) within {@code millis}. */
  private static boolean ended(Socket s, int millis) throws Exception {
    s.setSoTimeout(millis);
    InputStream in = s.getInputStream();
    try {
      return in.read() == -1;
    } catch (SocketException reset) {
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    }
  }
}
