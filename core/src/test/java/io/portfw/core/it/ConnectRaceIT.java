package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portfw.testing.CloggedBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A client that leaves while its backend is still being connected leaves nothing behind. */
class ConnectRaceIT {

  @Test
  void clientLeavesWhileConnecting_thenTheConnectTimesOut_countsReturnToZero() throws Exception {
    try (CloggedBackend clogged = new CloggedBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), "800ms", clogged.address()))) {
      for (int i = 0; i < 5; i++) {
        forwarder.connect().close();
      }
      Eventually.holds(Duration.ofSeconds(2), "connects under way are counted", () -> forwarder.activeConnections("p") > 0);
      Eventually.holds(Duration.ofSeconds(10), "counts back to 0", () -> forwarder.activeConnections("p") == 0);
    }
  }

  @Test
  void clientLeavesWhileConnecting_thenTheConnectSucceeds_backendIsClosed() throws Exception {
    try (CloggedBackend clogged = new CloggedBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), "20s", clogged.address()))) {
      Socket client = forwarder.connect();
      client.getOutputStream().write("early".getBytes());
      client.setSoLinger(true, 0);
      client.close();
      Eventually.holds(Duration.ofSeconds(5), () -> "the forwarder has seen the client go while its connect still waits: "
          + state(forwarder), () -> seenGoingWhileConnecting(forwarder));
      assertThat(forwarder.activeConnections("p")).as("the connect still waits, counted").isEqualTo(1);

      try (Socket late = clogged.acceptOne(Duration.ofSeconds(10))) { // the waiting connect now completes
        assertThat(late).as("the forwarder's connect arrived").isNotNull();
        late.setSoTimeout(5_000);
        // The client aborted (a reset) before the backend answered: the backend is aborted too.
        assertThatThrownBy(() -> late.getInputStream().read()).isInstanceOf(SocketException.class)
            .hasMessageContaining("reset");
        Eventually.holds(Duration.ofSeconds(5), "the late connection is uncounted", () -> forwarder.activeConnections("p") == 0);
      }
    }
  }

  /**
   * The client's connection was accepted and has an ending recorded (its reset), or has ended and
   * left the live list already, while the backend connect it started is still under way.
   */
  private static boolean seenGoingWhileConnecting(RunningForwarder forwarder) {
    // Active first: it counts from the connect on, which comes after the accept and the live entry.
    return forwarder.activeConnections("p") == 1
        && forwarder.runtime().acceptedConnections("l") == 1
        && forwarder.runtime().connections().live().stream().allMatch(c -> c.ending() != null);
  }

  private static String state(RunningForwarder forwarder) {
    return "accepted " + forwarder.runtime().acceptedConnections("l") + ", active " + forwarder.activeConnections("p")
        + ", live endings " + forwarder.runtime().connections().live().stream().map(c -> String.valueOf(c.ending())).toList();
  }

  private static String config(int port, String connectTimeout, String backend) {
    return """
        { "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p", "timeouts": { "connect": "%s" } } ],
          "pools": [ { "name": "p", "retries": 0, "backends": [ { "address": "%s" } ] } ] }
        """.formatted(port, connectTimeout, backend);
  }
}
