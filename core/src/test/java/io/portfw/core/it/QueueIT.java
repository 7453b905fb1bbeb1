package io.portfw.core.it;

import static io.portfw.testing.Clients.answerWithin;
import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static io.portfw.testing.Clients.endsWithin;
import static io.portfw.testing.Clients.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.Refusal;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
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
      Eventually.holds(Duration.ofSeconds(5), "the second waits", () -> admin.queueLength("p") == 1);
      Socket third = connect(forwarder.port());
      send(third, "three");
      Eventually.holds(Duration.ofSeconds(5), "the third waits behind it", () -> admin.queueLength("p") == 2);

      // Beyond max: refused at once, with a reset that may already meet the client in its connect.
      Socket fourth = new Socket();
      boolean refused;
      try {
        fourth.connect(new InetSocketAddress("127.0.0.1", forwarder.port()), 5_000);
        refused = endsWithin(fourth, 5_000);
      } catch (SocketException resetDuringConnect) {
        refused = true;
      }
      assertThat(refused).as("beyond max: refused at once").isTrue();
      assertThat(forwarder.runtime().refusedConnections("l", Refusal.QUEUE_FULL)).isEqualTo(1);
      assertThat(answerWithin(second, 300)).as("nothing while the backend is full").isNull();

      first.close(); // its slot goes to the one that waited longest
      assertThat(answerWithin(second, 5_000)).isEqualTo("two");
      assertThat(answerWithin(third, 300)).as("the third still waits: one slot").isNull();

      // The second keeps the slot: the third waits out its timeout and is refused.
      assertThat(endsWithin(third, 10_000)).isTrue();
      assertThat(forwarder.runtime().refusedConnections("l", Refusal.QUEUE_TIMEOUT)).isEqualTo(1);
      assertThat(admin.queueLength("p")).isZero();
      String scrape = admin.get("/metrics").body();
      assertThat(AdminHttp.metric(scrape, "portfw_pool_queue_waited_total", "pool=\"p\"")).isEqualTo(2);
      assertThat(AdminHttp.metric(scrape, "portfw_pool_queue_wait_seconds_total", "pool=\"p\"")).isGreaterThan(2.5);
      second.close();
      fourth.close();
    }
  }
}
