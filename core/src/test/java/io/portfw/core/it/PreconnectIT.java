package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.AdminHttp;
import io.portfw.testing.Clients;
import io.portfw.testing.Eventually;
import io.portfw.testing.GreetingEchoBackend;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Pool key {@code preconnect}: backend connections made before any client comes, handed to new
 * clients (with what the backend already said), refilled, replaced when the backend closes them
 * or they grow old, and closed when the backend goes out of use.
 */
class PreconnectIT {

  private static final int LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());

  @Test
  void warmConnections_areMadeAhead_handedOutWithTheirGreeting_andRefilled() throws Exception {
    int wanted = 2 * LOOPS; // each event loop keeps its share
    try (GreetingEchoBackend backend = new GreetingEchoBackend();
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "app", "listen": "127.0.0.1:%d", "pool": "p" } ],
               "pools": [ { "name": "p", "preconnect": { "connections": %d, "maxIdle": "1h" },
                            "backends": [ { "address": "%s" } ] } ] }
             """.formatted(Ports.free(), wanted, backend.address()))) {
      AdminHttp admin = new AdminHttp(forwarder.adminUrl());
      Eventually.holds(Duration.ofSeconds(10), "warm connections made", () -> warm(admin) == wanted);
      // The backend's accept loop may trail the kernel's handshake, which is when portfw counts a connection warm.
      Eventually.holds(Duration.ofSeconds(10), "made before any client: the backend accepted " + wanted,
          () -> backend.accepted() == wanted);

      for (int i = 0; i < 3 * wanted; i++) {
        try (Socket client = forwarder.connect()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
          // Sent when the connection was made, before this client came: kept for it, not lost.
          assertThat(in.readLine()).startsWith("hello ");
          assertThat(backendJson(admin).getLong("warmUsed")).as("clients given a warm connection").isEqualTo(i + 1L);
          client.getOutputStream().write(("ping " + i + "\n").getBytes(StandardCharsets.US_ASCII));
          assertThat(in.readLine()).isEqualTo("ping " + i);
        }
        // Each one handed out is replaced at once, in the background.
        Eventually.holds(Duration.ofSeconds(5), "refilled", () -> warm(admin) == wanted);
      }
      JsonObject b = backendJson(admin);
      assertThat(b.getLong("warmUsed")).isEqualTo(3L * wanted);
      assertThat(b.getLong("bytesReceived")).as("greetings and echoes counted").isGreaterThan(0);
      Eventually.holds(Duration.ofSeconds(5), "clients' connections closed", () -> forwarder.activeConnections("p") == 0);
    }
  }

  @Test
  void closedByTheBackend_orTooOld_theyAreReplaced_andADownBackendGetsNone() throws Exception {
    int wanted = LOOPS;
    GreetingEchoBackend backend = new GreetingEchoBackend();
    try (RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "app", "listen": "127.0.0.1:%d", "pool": "p" } ],
               "pools": [ { "name": "p", "preconnect": { "connections": %d, "maxIdle": "2s" },
                            "health": { "type": "tcp", "interval": "500ms", "timeout": "300ms", "rise": 1, "fall": 1 },
                            "backends": [ { "address": "%s" } ] } ] }
             """.formatted(Ports.free(), wanted, backend.address()))) {
      AdminHttp admin = new AdminHttp(forwarder.adminUrl());
      Eventually.holds(Duration.ofSeconds(10), "warm connections made", () -> warm(admin) == wanted);

      // The backend closes idle connections (its own idle timeout): portfw notices and makes new ones.
      int made = backend.accepted();
      // portfw counts a connection once the kernel has completed it; the backend's thread greets it a moment later.
      Eventually.holds(Duration.ofSeconds(5), "greeted by the backend", () -> backend.quietCount() >= wanted);
      assertThat(backend.closeQuiet()).isGreaterThanOrEqualTo(wanted);
      Eventually.holds(Duration.ofSeconds(10), "replaced", () -> backend.accepted() >= made + wanted && warm(admin) == wanted);

      // Older than maxIdle: closed and replaced, with no client at all.
      int before = backend.accepted();
      Eventually.holds(Duration.ofSeconds(10), "aged out and replaced", () -> backend.accepted() >= before + wanted);
      assertThat(warm(admin)).isLessThanOrEqualTo(wanted);

      // A clients' connection through a warm one still works.
      try (Socket client = forwarder.connect()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(in.readLine()).startsWith("hello ");
      }

      // The backend goes away: no warm connection is kept, and none is tried until it is up again.
      backend.close();
      Eventually.holds(Duration.ofSeconds(10), "backend down, nothing warm",
          () -> "down".equals(backendJson(admin).getString("state")) && warm(admin) == 0);
      assertThat(Clients.answerOf(forwarder.port())).isEmpty();
    } finally {
      backend.close();
    }
  }

  private static int warm(AdminHttp admin) {
    return backendJson(admin).getInteger("warm");
  }

  private static JsonObject backendJson(AdminHttp admin) {
    try {
      return admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0)
          .getJsonArray("backends").getJsonObject(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
