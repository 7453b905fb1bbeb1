package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.Backend;
import io.portfw.config.ConfigLoader;
import io.portfw.config.PortfwConfig;
import io.portfw.core.observe.Refusal;
import io.portfw.core.runtime.PortfwRuntime;
import io.portfw.testing.Clients;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.LoopbackCluster;
import io.portfw.testing.Ports;
import io.portfw.testing.TaggedBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three portfw runtimes in one JVM, each on its own clustered Vert.x (Hazelcast on 127.0.0.1),
 * forwarding over real sockets to real backends: sticky clients, per-source limits, connection
 * rates and passive ejections are shared by the group. The cluster is started once for the class.
 */
class ClusterSharingIT {

  private static final String CONFIG = """
      { "listeners": [
          { "name": "sticky", "listen": "127.0.0.1:%d", "pool": "sticky" },
          { "name": "limited", "listen": "127.0.0.1:%d", "pool": "echo", "limits": { "maxConnectionsPerSource": 6 } },
          { "name": "rated", "listen": "127.0.0.1:%d", "pool": "echo", "limits": { "connectionRate": 2 } },
          { "name": "ejecting", "listen": "127.0.0.1:%d", "pool": "ejecting" } ],
        "pools": [
          { "name": "sticky", "balance": "round-robin", "sticky": {},
            "backends": [ { "address": "127.0.0.1:%d" }, { "address": "127.0.0.1:%d" }, { "address": "127.0.0.1:%d" } ] },
          { "name": "echo", "backends": [ { "address": "127.0.0.1:%d" } ] },
          { "name": "ejecting", "balance": "round-robin", "outlier": { "consecutiveFailures": 1, "ejectionTime": "60s" },
            "backends": [ { "address": "127.0.0.1:%d" }, { "address": "127.0.0.1:%d" } ] } ] }
      """;

  private static final List<TaggedBackend> tagged = new ArrayList<>();
  private static EchoBackend echo;
  private static TaggedBackend live;
  /** Nothing listens there: every connect to it fails. */
  private static int dead;
  private static LoopbackCluster cluster;
  private static final List<PortfwRuntime> members = new ArrayList<>();
  private static final List<PortfwConfig> configs = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    for (String name : List.of("a", "b", "c")) {
      tagged.add(new TaggedBackend(name));
    }
    echo = new EchoBackend();
    live = new TaggedBackend("live");
    dead = Ports.free();
    cluster = new LoopbackCluster(5); // three, and one joining later in two of the tests
    for (int i = 0; i < 3; i++) {
      members.add(member());
    }
  }

  /** One more runtime, with ports of its own, on a new member of the cluster. */
  private static PortfwRuntime member() throws Exception {
    PortfwConfig config = ConfigLoader.parse(CONFIG.formatted(Ports.free(), Ports.free(), Ports.free(), Ports.free(),
        tagged.get(0).port(), tagged.get(1).port(), tagged.get(2).port(), echo.port(), dead, live.port()), "cluster");
    PortfwRuntime runtime = PortfwRuntime.create(config, cluster.join(), "a-secret-of-the-test-group", true);
    runtime.run(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    configs.add(config);
    return runtime;
  }

  @AfterAll
  static void stop() throws Exception {
    for (PortfwRuntime r : members) {
      r.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
    for (TaggedBackend t : tagged) {
      t.close();
    }
    echo.close();
    live.close();
  }

  private static int port(int member, String listener) {
    return configs.get(member).listeners().stream().filter(l -> l.name().equals(listener)).findFirst().orElseThrow()
        .listen().firstPort();
  }

  /** The backend's name a client from {@code source} gets through that member. */
  private static String answer(String source, int member) throws IOException {
    try (Socket s = Clients.from(source, port(member, "sticky"))) {
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    }
  }

  private static Backend stickyHomeOf(int member, String source) throws IOException {
    var home = members.get(member).pool("sticky").sticky().orElseThrow().backendOf(InetAddress.getByName(source));
    return home == null ? null
        : members.get(member).pool("sticky").backends().stream().filter(b -> b.address().equals(home)).findFirst()
            .orElse(null);
  }

  @Test
  void clientAlternatingBetweenMembers_keepsItsBackend_andAMemberJoiningLaterKnowsIt() throws Exception {
    // Move the round robin of members 1 and 2 on: alone, each would give a new client another backend.
    answer("127.0.0.11", 1);
    answer("127.0.0.12", 2);
    answer("127.0.0.13", 2);
    String client = "127.0.0.20";
    String home = answer(client, 0);
    Eventually.holds(Duration.ofSeconds(3), "every member remembers " + client,
        () -> members.stream().allMatch(m -> m.pool("sticky").sticky().orElseThrow()
            .backendOf(address(client)) != null));
    List<String> answers = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      answers.add(answer(client, i % 3));
    }
    assertThat(answers).as("whichever member it reaches").containsOnly(home);
    assertThat(stickyHomeOf(1, client).address().port()).isEqualTo(stickyHomeOf(0, client).address().port());

    PortfwRuntime late = member();
    try {
      Eventually.holds(Duration.ofSeconds(5), "the member that joined later gets the sticky table",
          () -> late.pool("sticky").sticky().orElseThrow().backendOf(address(client)) != null);
      assertThat(answer(client, 3)).isEqualTo(home);
    } finally {
      late.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      configs.remove(3);
    }
  }

  @Test
  void perSourceLimitOfSix_admitsSixOverTheThreeMembers_andMoreWhenSomeClose() throws Exception {
    String source = "127.0.0.30";
    InetAddress from = address(source);
    List<List<Socket>> open = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    int refused = 0;
    try {
      for (int attempt = 0; attempt < 10; attempt++) {
        int m = attempt % 3;
        Socket s = admitted(source, port(m, "limited"));
        if (s != null) {
          open.get(m).add(s);
          awaitEveryMemberKnows(from, open);
        } else {
          refused++;
        }
      }
      assertThat(open).as("six admitted, two on each member").allSatisfy(l -> assertThat(l).hasSize(2));
      assertThat(refused).isEqualTo(4);
      assertThat(members.stream().mapToLong(r -> r.refusedConnections("limited", Refusal.SOURCE_LIMIT)).sum())
          .isEqualTo(4);

      for (Socket s : open.get(0)) {
        s.close();
      }
      open.get(0).clear();
      awaitEveryMemberKnows(from, open);
      for (int m = 1; m <= 2; m++) {
        Socket s = admitted(source, port(m, "limited"));
        assertThat(s).as("admitted on member %d once two closed on member 0", m).isNotNull();
        open.get(m).add(s);
        awaitEveryMemberKnows(from, open);
      }
      assertThat(admitted(source, port(0, "limited"))).as("six open again: the seventh is refused").isNull();
    } finally {
      for (List<Socket> l : open) {
        for (Socket s : l) {
          s.close();
        }
      }
    }
  }

  /** Waits until each member counts, as open elsewhere, exactly what the others have open. */
  private static void awaitEveryMemberKnows(InetAddress source, List<List<Socket>> open) {
    int total = open.stream().mapToInt(List::size).sum();
    Eventually.holds(Duration.ofSeconds(3), () -> "every member hears of the others' connections: open "
            + open.stream().map(List::size).toList() + ", heard " + members.stream()
                .map(m -> m.openElsewhere("limited", source)).toList(),
        () -> {
          for (int m = 0; m < 3; m++) {
            if (members.get(m).openElsewhere("limited", source) != total - open.get(m).size()) {
              return false;
            }
          }
          return true;
        });
  }

  /**
   * A connection from {@code source} that an echo went through, or null when it was refused (a
   * refusal is a reset, which may come before the connect returns or on the first read).
   */
  private static Socket admitted(String source, int port) throws IOException {
    Socket s;
    try {
      s = Clients.from(source, port);
    } catch (java.net.SocketException reset) {
      return null;
    }
    try {
      if ("x".equals(Clients.echo(s, "x"))) {
        return s;
      }
    } catch (IOException refused) {
      // reset: refused
    }
    s.close();
    return null;
  }

  @Test
  void connectionRateOfTwo_isCountedOverTheGroup() throws Exception {
    String source = "127.0.0.40";
    int admitted = 0;
    long start = System.nanoTime();
    for (int attempt = 0; attempt < 12; attempt++) {
      Socket s = admitted(source, port(attempt % 3, "rated"));
      if (s != null) {
        admitted++;
        s.close();
      }
      Thread.sleep(100); // pacing the load (a rate is about time), not waiting for a condition
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long refused = members.stream().mapToLong(r -> r.refusedConnections("rated", Refusal.RATE_LIMIT)).sum();
    // Alone, each member would let all 4 of its attempts in (2 at once, 2 a second after): 12.
    // Over the group: 2 at once plus 2 a second, with at most an exchange interval's lag on each member.
    assertThat(admitted).as("admitted in %.1f s", seconds).isBetween(2, 2 + (int) Math.ceil(2 * seconds) + 2);
    assertThat(refused).isEqualTo(12 - admitted);
  }

  @Test
  void ejectionOnOneMember_isSeenOnTheOthers() throws Exception {
    for (int i = 0; i < 3 && !ejected(0); i++) {
      assertThat(Clients.answerOf(port(0, "ejecting"))).as("retried on the live backend").isEqualTo("live");
    }
    assertThat(ejected(0)).as("member 0 ejected the dead backend").isTrue();
    Eventually.holds(Duration.ofSeconds(2), "members 1 and 2 eject it too", () -> ejected(1) && ejected(2));
    assertThat(members.get(1).pool("ejecting").backends().stream().filter(Backend::isEjected).count()).isEqualTo(1);

    PortfwRuntime late = member();
    try {
      Eventually.holds(Duration.ofSeconds(5), "the member that joined later learns the ejection in force",
          () -> ejected(late));
    } finally {
      late.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      configs.remove(configs.size() - 1);
    }
  }

  private static boolean ejected(int member) {
    return ejected(members.get(member));
  }

  private static boolean ejected(PortfwRuntime runtime) {
    return runtime.pool("ejecting").backends().stream().anyMatch(b -> b.address().port() == dead && b.isEjected());
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
