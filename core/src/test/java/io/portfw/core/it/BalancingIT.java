package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.Refusal;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each strategy through a real forwarder, counted at real backends that answer with their
 * names (s1, s2, s3). Clients come from several loopback addresses (127.0.0.x) where the
 * client's address matters.
 */
class BalancingIT {

  private final List<TaggedBackend> backends = new ArrayList<>();
  private final List<Socket> held = new ArrayList<>();

  @BeforeEach
  void startBackends() {
    for (int i = 1; i <= 3; i++) {
      backends.add(new TaggedBackend("s" + i));
    }
  }

  @AfterEach
  void stopBackends() throws IOException {
    for (Socket s : held) {
      s.close();
    }
    backends.forEach(TaggedBackend::close);
  }

  @Test
  void roundRobin_exactShareByWeight() throws Exception {
    assertThat(shares("round-robin", 40, false, 2, 1, 1))
        .containsExactlyInAnyOrderEntriesOf(Map.of("s1", 20, "s2", 10, "s3", 10));
  }

  @Test
  void random_shareByWeightWithinTolerance() throws Exception {
    Map<String, Integer> count = shares("random", 200, false, 2, 1, 1);
    // Expected 100/50/50; the bounds are about four standard deviations.
    assertThat(count.get("s1")).isBetween(72, 128);
    assertThat(count.get("s2")).isBetween(26, 74);
    assertThat(count.get("s3")).isBetween(26, 74);
  }

  @Test
  void leastConnections_heldConnectionsFollowWeights() throws Exception {
    assertThat(shares("least-connections", 8, true, 2, 1, 1))
        .containsExactlyInAnyOrderEntriesOf(Map.of("s1", 4, "s2", 2, "s3", 2));
  }

  @Test
  void powerOfTwo_heldConnectionsStayEven() throws Exception {
    assertThat(shares("power-of-two", 30, true, 1, 1, 1).values())
        .hasSize(3).allSatisfy(n -> assertThat(n).isBetween(5, 15));
  }

  @Test
  void sourceHash_sameClientAddressSameBackend() throws Exception {
    try (RunningForwarder forwarder = start("\"balance\": \"source-hash\"", 1, 1, 1)) {
      assertThat(count(forwarder, 20, "127.0.0.1", false)).hasSize(1);
      Set<String> used = new HashSet<>();
      for (int host = 10; host < 40; host++) {
        String source = "127.0.0." + host;
        String first = answerOf(forwarder, source, false);
        assertThat(answerOf(forwarder, source, false)).as("second connection from %s", source).isEqualTo(first);
        used.add(first);
      }
      assertThat(used).as("30 client addresses spread over the backends").hasSizeGreaterThan(1);
    }
  }

  @Test
  void sticky_clientKeepsItsBackendUnderRoundRobin() throws Exception {
    try (RunningForwarder forwarder = start(
        "\"balance\": \"round-robin\", \"sticky\": { \"ttl\": \"1m\", \"maxEntries\": 1000 }", 1, 1, 1)) {
      Set<String> used = new HashSet<>();
      for (int host = 40; host < 46; host++) {
        String source = "127.0.0." + host;
        String first = answerOf(forwarder, source, false);
        for (int again = 0; again < 3; again++) {
          assertThat(answerOf(forwarder, source, false)).isEqualTo(first);
        }
        used.add(first);
      }
      assertThat(used).as("new clients still rotate").hasSize(3);
    }
  }

  @Test
  void maxConnections_fullBackendsAreSkippedThenClientsRefusedAtOnce() throws Exception {
    try (RunningForwarder forwarder = RunningForwarder.start("""
        { "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p", "timeouts": { "drain": "1s" } } ],
          "pools": [ { "name": "p", "backends": [
            { "address": "%s", "maxConnections": 2 }, { "address": "%s", "maxConnections": 1 } ] } ] }
        """.formatted(Ports.free(), backends.get(0).address(), backends.get(1).address()))) {
      Map<String, Integer> count = count(forwarder, 3, "127.0.0.1", true);
      assertThat(count).containsExactlyInAnyOrderEntriesOf(Map.of("s1", 2, "s2", 1));

      long started = System.nanoTime();
      assertThat(answerOf(forwarder, "127.0.0.1", false)).as("refused while every backend is full").isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(forwarder.runtime().refusedConnections("l", Refusal.BACKENDS_FULL)).isEqualTo(1);

      held.remove(0).close(); // frees a slot on s1 (the first held connection went to s1)
      Eventually.holds(Duration.ofSeconds(5), "slot freed", () -> forwarder.activeConnections("p") == 2);
      assertThat(answerOf(forwarder, "127.0.0.1", true)).isEqualTo("s1");
    }
  }

  /**
   * How {@code n} connections from 127.0.0.1 spread over the backends, weighted as given, under
   * one strategy; held ones stay open until the test ends.
   */
  private Map<String, Integer> shares(String balance, int n, boolean hold, int... weights) throws Exception {
    try (RunningForwarder forwarder = start("\"balance\": \"" + balance + "\"", weights)) {
      return count(forwarder, n, "127.0.0.1", hold);
    }
  }

  private RunningForwarder start(String poolOptions, int... weights) throws Exception {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < weights.length; i++) {
      list.append(i == 0 ? "" : ", ")
          .append("{ \"address\": \"").append(backends.get(i).address()).append("\", \"weight\": ").append(weights[i]).append(" }");
    }
    return RunningForwarder.start("""
        { "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p", "timeouts": { "drain": "1s" } } ],
          "pools": [ { "name": "p", %s, "backends": [ %s ] } ] }
        """.formatted(Ports.free(), poolOptions, list));
  }

  /** {@code n} connections one after another; held ones stay open until the test ends. */
  private Map<String, Integer> count(RunningForwarder forwarder, int n, String source, boolean hold) throws IOException {
    Map<String, Integer> count = new HashMap<>();
    for (int i = 0; i < n; i++) {
      count.merge(answerOf(forwarder, source, hold), 1, Integer::sum);
    }
    return count;
  }

  /** The name of the backend that answered, or "" when the forwarder closed the connection. */
  private String answerOf(RunningForwarder forwarder, String source, boolean hold) throws IOException {
    Socket socket = new Socket();
    StringBuilder name = new StringBuilder();
    try {
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", forwarder.port()), 5_000);
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
        name.append((char) c);
      }
    } catch (SocketException reset) {
      // refused by a reset, possibly before connect() even returned: no name
    }
    if (hold && !name.isEmpty()) {
      held.add(socket);
    } else {
      socket.close();
    }
    return name.toString();
  }
}
