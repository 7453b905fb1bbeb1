package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.Clients;
import io.portfw.testing.CloggedBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connect failures: a refusing or silent backend is skipped; with none left the client is closed, never hung. */
class BackendFailoverIT {

  @Test
  void refusingBackend_isSkippedAndTheNextOneServes() throws Exception {
    try (TaggedBackend alive = new TaggedBackend("alive");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), 1, "5s",
             "127.0.0.1:" + Ports.refusing(), alive.address()))) {
      for (int i = 0; i < 10; i++) {
        assertThat(Clients.answerOf(forwarder.port())).as("connection %d", i).isEqualTo("alive");
      }
      Eventually.holds(Duration.ofSeconds(5), "active counts back to 0", () -> forwarder.activeConnections("p") == 0);
      assertThat(forwarder.runtime().pool("p").backends().get(1).totalConnections()).isEqualTo(10);
    }
  }

  @Test
  void retriesZero_failsWithoutTryingAnother() throws Exception {
    try (TaggedBackend alive = new TaggedBackend("alive");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), 0, "5s",
             "127.0.0.1:" + Ports.refusing(), alive.address()))) {
      // Round robin starts with the refusing backend; with no retry that client is closed.
      assertThat(Clients.answerOf(forwarder.port())).isEmpty();
      assertThat(Clients.answerOf(forwarder.port())).isEqualTo("alive");
      assertThat(alive.accepted()).isEqualTo(1);
    }
  }

  @Test
  void retries_neverTryTheSameBackendTwice() throws Exception {
    try (TaggedBackend alive = new TaggedBackend("alive");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), 5, "5s",
             "127.0.0.1:" + Ports.refusing(), "127.0.0.1:" + Ports.refusing(), alive.address()))) {
      assertThat(Clients.answerOf(forwarder.port())).isEqualTo("alive");
      List<Long> totals = forwarder.runtime().pool("p").backends().stream().map(b -> b.totalConnections()).toList();
      assertThat(totals).containsExactly(1L, 1L, 1L);
    }
  }

  @Test
  void allBackendsRefuse_clientIsClosedAtOnce() throws Exception {
    try (RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), 2, "5s",
        "127.0.0.1:" + Ports.refusing(), "127.0.0.1:" + Ports.refusing()))) {
      long started = System.nanoTime();
      assertThat(Clients.answerOf(forwarder.port())).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      Eventually.holds(Duration.ofSeconds(5), "active counts back to 0", () -> forwarder.activeConnections("p") == 0);
    }
  }

  @Test
  void silentBackend_clientIsClosedAfterTheConnectTimeout() throws Exception {
    try (CloggedBackend silent = new CloggedBackend();
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), 0, "400ms", silent.address()))) {
      long started = System.nanoTime();
      assertThat(Clients.answerOf(forwarder.port())).isEmpty();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      // It waited for the connect timeout (the backend did not refuse) and no longer than a few times it.
      assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(10));
      Eventually.holds(Duration.ofSeconds(5), "active counts back to 0", () -> forwarder.activeConnections("p") == 0);
    }
  }


  private static String config(int port, int retries, String connectTimeout, String... backends) {
    StringBuilder list = new StringBuilder();
    for (String b : backends) {
      list.append(list.isEmpty() ? "" : ", ").append("{ \"address\": \"").append(b).append("\" }");
    }
    return """
        { "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p",
                           "timeouts": { "connect": "%s" } } ],
          "pools": [ { "name": "p", "retries": %d, "backends": [ %s ] } ] }
        """.formatted(port, connectTimeout, retries, list);
  }
}
