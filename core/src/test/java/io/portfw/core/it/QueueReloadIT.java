package io.portfw.core.it;

import static io.portfw.testing.Clients.answerWithin;
import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static io.portfw.testing.Clients.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.ReloadResult;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The waiting line across reloads: waiters meet the pool as it runs when their turn comes. */
class QueueReloadIT {

  private static final String CONFIG = """
      { "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p" } ],
        "pools": [ { "name": "p", "backends": [ %s ] %s } ] }
      """;

  /** A reload that drops the pool's queue and raises the limit: the waiter should be served. */
  @Test
  void reloadRemovingQueue_waiterIsServed_noSlotLeak() throws Exception {
    int port = Ports.free();
    try (EchoBackend backend = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start(CONFIG.formatted(port,
             "{ \"address\": \"" + backend.address() + "\", \"maxConnections\": 1 }",
             ", \"queue\": { \"max\": 5, \"timeout\": \"20s\" }"))) {
      Socket first = servedClient(forwarder);
      Socket second = waitingClient(forwarder);

      ReloadResult r = forwarder.reload(CONFIG.formatted(port,
          "{ \"address\": \"" + backend.address() + "\", \"maxConnections\": 2 }", ""));
      assertThat(r.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);

      String got = answerWithin(second, 3_000);
      assertThat(got).as("the waiter, called when the line went away, gets the free slot").isEqualTo("two");
      first.close();
      second.close();
      Eventually.holds(Duration.ofSeconds(5), "no slot leaks", () -> forwarder.activeConnections("p") == 0);
    }
  }

  /** A backend added (capacity) while clients wait: the waiter should get it. */
  @Test
  void backendAddedWhileWaiting_waiterUsesIt() throws Exception {
    int port = Ports.free();
    try (EchoBackend one = new EchoBackend(); EchoBackend two = new EchoBackend();
         RunningForwarder forwarder = RunningForwarder.start(CONFIG.formatted(port,
             "{ \"address\": \"" + one.address() + "\", \"maxConnections\": 1 }",
             ", \"queue\": { \"max\": 5, \"timeout\": \"20s\" }"))) {
      Socket first = servedClient(forwarder);
      Socket second = waitingClient(forwarder);

      ReloadResult r = forwarder.reload(CONFIG.formatted(port,
          "{ \"address\": \"" + one.address() + "\", \"maxConnections\": 1 }, { \"address\": \"" + two.address()
              + "\", \"maxConnections\": 1 }",
          ", \"queue\": { \"max\": 5, \"timeout\": \"20s\" }"));
      assertThat(r.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
      String got = answerWithin(second, 3_000);
      Socket third = connect(forwarder.port()); // both backends full again: a newcomer waits
      send(third, "three");
      String got3 = answerWithin(third, 1_000);
      assertThat(got).as("the waiter takes the new backend's free slot").isEqualTo("two");
      assertThat(got3).as("no slot left for the newcomer: it waits").isNull();
      first.close();
      second.close();
      third.close();
    }
  }

  /** A client served, holding the only slot the pool has. */
  private static Socket servedClient(RunningForwarder forwarder) throws Exception {
    Socket first = connect(forwarder.port());
    assertThat(echo(first, "one")).isEqualTo("one");
    return first;
  }

  /** A client that sent "two" and waits in the pool's line, no slot being free. */
  private static Socket waitingClient(RunningForwarder forwarder) throws Exception {
    AdminHttp admin = new AdminHttp(forwarder.adminUrl());
    Socket second = connect(forwarder.port());
    send(second, "two");
    Eventually.holds(Duration.ofSeconds(5), "the second waits", () -> admin.queueLength("p") == 1);
    return second;
  }
}
