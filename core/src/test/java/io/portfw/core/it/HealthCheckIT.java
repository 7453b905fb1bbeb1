package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.Backend;
import io.portfw.balancing.BackendState;
import io.portfw.core.observe.Refusal;
import io.portfw.health.CheckStats;
import io.portfw.testing.Clients;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.ResettingBackend;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Health as clients feel it: real backends are stopped, restarted, made to refuse or reset,
 * and the connections each one gets are counted at the backend and at the forwarder.
 */
class HealthCheckIT {

  private static final String TCP_CHECKS =
      "\"health\": { \"type\": \"tcp\", \"interval\": \"200ms\", \"timeout\": \"300ms\", \"rise\": 2, \"fall\": 3 }";
  /** interval x fall + timeout, the bound the issue sets for noticing a dead backend. */
  private static final Duration DOWN_BOUND = Duration.ofMillis(200 * 3 + 300);
  /** Timers run late on a busy 2-core machine: the scheduler's margin, not part of the bound. */
  private static final Duration SLACK = Duration.ofMillis(1500);

  @Test
  void stoppedBackend_isDownWithinTheBound_getsNothing_andIsBackAfterRise() throws Exception {
    int portA = Ports.free();
    TaggedBackend a = new TaggedBackend("a", "127.0.0.1", portA);
    try (TaggedBackend b = new TaggedBackend("b");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), TCP_CHECKS, "127.0.0.1:" + portA,
             b.address()))) {
      Backend backendA = forwarder.runtime().pool("p").backends().get(0);
      Eventually.holds(Duration.ofSeconds(5), "first checks", () -> checks(forwarder, backendA).run() >= 1);
      assertThat(tally(forwarder, 10)).containsOnlyKeys("a", "b");

      a.close();
      long stopped = System.nanoTime();
      Eventually.holds(DOWN_BOUND.plus(SLACK), "a marked down", () -> backendA.state() == BackendState.DOWN);
      assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThanOrEqualTo(DOWN_BOUND.plus(SLACK));
      assertThat(checks(forwarder, backendA).last().orElseThrow().detail()).isEqualTo("connect refused");

      long triedBefore = backendA.totalConnections();
      assertThat(tally(forwarder, 20)).as("every client served by b").isEqualTo(Map.of("b", 20));
      assertThat(backendA.totalConnections()).as("no connection even tried at a").isEqualTo(triedBefore);

      try (TaggedBackend restarted = new TaggedBackend("a", "127.0.0.1", portA)) {
        long passedBefore = passed(forwarder, backendA);
        Eventually.holds(Duration.ofSeconds(10), "a back up", () -> backendA.state() == BackendState.UP);
        assertThat(passed(forwarder, backendA) - passedBefore).as("after rise = 2 passes").isEqualTo(2);
        int probes = restarted.accepted();
        Map<String, Integer> after = tally(forwarder, 20);
        assertThat(after).containsOnlyKeys("a", "b");
        assertThat(restarted.accepted() - probes).as("clients reach a again").isGreaterThanOrEqualTo(after.get("a"));
      }
    }
  }

  @Test
  void everyBackendDown_clientsAreRefusedAtOnce_untilABackupIsThere() throws Exception {
    int port = Ports.free();
    String dead1 = "127.0.0.1:" + Ports.refusing();
    String dead2 = "127.0.0.1:" + Ports.refusing();
    try (TaggedBackend backup = new TaggedBackend("backup");
         RunningForwarder forwarder = RunningForwarder.start(config(port, TCP_CHECKS, dead1, dead2))) {
      Eventually.holds(Duration.ofSeconds(5), "both down", () -> forwarder.runtime().pool("p").backends().stream()
          .allMatch(x -> x.state() == BackendState.DOWN));
      long started = System.nanoTime();
      assertThat(Clients.answerOf(forwarder.port())).as("closed, not hung").isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(forwarder.refusedConnections("l", Refusal.NO_BACKEND)).as("refused without trying").isEqualTo(1);
      assertThat(forwarder.runtime().pool("p").backends()).allMatch(x -> x.totalConnections() == 0);

      forwarder.reload(config(port, TCP_CHECKS, dead1, dead2).replace(
          "\"address\": \"" + dead2 + "\" }", "\"address\": \"" + dead2 + "\" }, { \"address\": \"" + backup.address()
              + "\", \"backup\": true }"));
      Eventually.holds(Duration.ofSeconds(5), "backup serves", () -> "backup".equals(quietAnswerOf(forwarder)));
      Backend kept = forwarder.runtime().pool("p").backends().get(0);
      assertThat(kept.state()).as("health kept across the reload").isEqualTo(BackendState.DOWN);
    }
  }

  @Test
  void passiveEjection_withoutProbes_stopsTrafficToAResettingBackend_andTriesItAfterTheCoolDown() throws Exception {
    String outlier = "\"outlier\": { \"consecutiveFailures\": 3, \"ejectionTime\": \"1500ms\" }";
    try (ResettingBackend broken = new ResettingBackend();
         TaggedBackend good = new TaggedBackend("good");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), outlier, broken.address(),
             good.address()))) {
      Backend brokenBackend = forwarder.runtime().pool("p").backends().get(0);
      // Round robin alternates, so six clients give the broken backend its three failures in a row.
      for (int i = 0; i < 6; i++) {
        quietAnswerOf(forwarder);
      }
      Eventually.holds(Duration.ofSeconds(5), "ejected", () -> brokenBackend.state() == BackendState.DOWN);
      assertThat(broken.accepted()).isEqualTo(3);

      assertThat(tally(forwarder, 10)).as("all to the good one while ejected").isEqualTo(Map.of("good", 10));
      assertThat(broken.accepted()).as("none reached the broken one").isEqualTo(3);

      Eventually.holds(Duration.ofSeconds(10), "let back after the cool-down",
          () -> brokenBackend.state() == BackendState.UP);
      for (int i = 0; i < 4; i++) {
        quietAnswerOf(forwarder);
      }
      assertThat(broken.accepted()).as("tried again").isGreaterThan(3);
    }
  }

  @Test
  void passiveEjection_countsRefusedConnects_andTheCeilingKeepsPartOfThePool() throws Exception {
    // Three refusing backends and a good one; at most 34% of four (one backend) may be out at once.
    String outlier = "\"outlier\": { \"consecutiveFailures\": 2, \"ejectionTime\": \"1m\", \"maxEjectionPercent\": 34 }";
    try (TaggedBackend good = new TaggedBackend("good");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), outlier,
             "127.0.0.1:" + Ports.refusing(), "127.0.0.1:" + Ports.refusing(), "127.0.0.1:" + Ports.refusing(),
             good.address()))) {
      assertThat(tally(forwarder, 30)).as("retries carry every client to the good one").isEqualTo(Map.of("good", 30));
      long ejected = forwarder.runtime().pool("p").backends().stream().filter(Backend::isEjected).count();
      assertThat(ejected).isEqualTo(1);
      assertThat(forwarder.runtime().pool("p").backends().get(3).state()).isEqualTo(BackendState.UP);
    }
  }

  @Test
  void httpChecks_takeA503BackendOutOfRotation() throws Exception {
    com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 16);
    java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(200);
    web.createContext("/health", exchange -> {
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    web.start();
    String checks = "\"health\": { \"type\": \"http\", \"path\": \"/health\", \"port\": " + web.getAddress().getPort()
        + ", \"interval\": \"200ms\", \"rise\": 1, \"fall\": 1 }";
    try (TaggedBackend a = new TaggedBackend("a");
         TaggedBackend b = new TaggedBackend("b");
         RunningForwarder forwarder = RunningForwarder.start(config(Ports.free(), checks, a.address(), b.address()))) {
      // Both backends report through the same health page, so one status moves both: all down on 503, then up.
      Eventually.holds(Duration.ofSeconds(10), "both checked and up", () -> forwarder.runtime().pool("p").backends()
          .stream().allMatch(x -> x.state() == BackendState.UP && checks(forwarder, x).run() >= 1));
      status.set(503);
      Eventually.holds(Duration.ofSeconds(5), "down on 503", () -> forwarder.runtime().pool("p").backends().stream()
          .allMatch(x -> x.state() == BackendState.DOWN));
      assertThat(checks(forwarder, forwarder.runtime().pool("p").backends().get(0)).last().orElseThrow().detail())
          .isEqualTo("HTTP 503 (expected 200-399)");
      assertThat(Clients.answerOf(forwarder.port())).isEmpty();
      status.set(200);
      Eventually.holds(Duration.ofSeconds(5), "up on 200", () -> forwarder.runtime().pool("p").backends().stream()
          .allMatch(x -> x.state() == BackendState.UP));
      assertThat(Clients.answerOf(forwarder.port())).isIn("a", "b");
    } finally {
      web.stop(0);
    }
  }

  private static CheckStats checks(RunningForwarder forwarder, Backend backend) {
    return forwarder.runtime().health().stats("p", backend.address()).orElse(new CheckStats(java.util.Optional.empty(), 0, 0));
  }

  private static long passed(RunningForwarder forwarder, Backend backend) {
    CheckStats s = checks(forwarder, backend);
    return s.run() - s.failed();
  }

  /** Which backend served each of {@code n} clients, counted by name. */
  private static Map<String, Integer> tally(RunningForwarder forwarder, int n) throws IOException {
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < n; i++) {
      served.merge(Clients.answerOf(forwarder.port()), 1, Integer::sum);
    }
    return served;
  }


  private static String quietAnswerOf(RunningForwarder forwarder) {
    try {
      return Clients.answerOf(forwarder.port());
    } catch (IOException e) {
      return "";
    }
  }

  private static String config(int port, String healthKeys, String... backends) {
    StringBuilder list = new StringBuilder();
    for (String backend : backends) {
      list.append(list.isEmpty() ? "" : ", ").append("{ \"address\": \"").append(backend).append("\" }");
    }
    return """
        { "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p", "timeouts": { "connect": "1s" } } ],
          "pools": [ { "name": "p", "retries": 3, %s, "backends": [ %s ] } ] }
        """.formatted(port, healthKeys, list);
  }
}
