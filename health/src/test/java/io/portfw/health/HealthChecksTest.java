package io.portfw.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.AdminState;
import io.portfw.balancing.Backend;
import io.portfw.balancing.BackendState;
import io.portfw.balancing.Pool;
import io.portfw.balancing.Pools;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.HealthConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.ProbeConfig;
import io.portfw.config.StatusCodes;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Active checks of whole pools against real servers that are stopped, restarted and made to answer badly. */
class HealthChecksTest {

  private static final Duration INTERVAL = Duration.ofMillis(150);
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  /** Timers on a busy 2-core machine run late; the bound under test is exact, this is only the scheduler's margin. */
  private static final long SCHEDULING_SLACK_MS = 1500;

  private Vertx vertx;
  private HealthChecks health;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)); // as portfw runs them
    assertThat(vertx.isNativeTransportEnabled()).as("epoll").isTrue();
    health = new HealthChecks(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static PoolConfig pool(ProbeConfig probe, boolean startDown, int... ports) {
    List<BackendConfig> backends = java.util.Arrays.stream(ports)
        .mapToObj(p -> BackendConfig.of(new BackendAddress("127.0.0.1", p))).toList();
    HealthConfig checks = new HealthConfig(probe, INTERVAL, TIMEOUT, 2, 3, 0, startDown);
    return new PoolConfig("web", "round-robin", backends, 2, Optional.empty(), Duration.ZERO, Optional.of(checks),
        Optional.empty());
  }

  private static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + millis + " ms: " + what);
      }
      Thread.sleep(10);
    }
  }

  private CheckStats stats(Backend b) {
    return health.stats("web", b.address()).orElseThrow();
  }

  /** How many checks of the backend ran; 0 before its checks are set up. */
  private long runs(Backend b) {
    return health.stats("web", b.address()).map(CheckStats::run).orElse(0L);
  }

  @Test
  void stoppedBackend_isDownAfterFallFailures_andBackAfterRisePasses() throws Exception {
    TestServers.Banner server = new TestServers.Banner(null, 0);
    int port = server.port();
    PoolConfig config = pool(new ProbeConfig.Tcp(), false, port);
    Pool pool = health.watch(Pools.fromConfig(config), config);
    Backend backend = pool.backends().get(0);
    await(() -> runs(backend) >= 2, 5000, "two checks");
    assertThat(backend.state()).isEqualTo(BackendState.UP);
    assertThat(stats(backend).last().orElseThrow().detail()).isEqualTo("connected");

    server.close();
    long stopped = System.nanoTime();
    long failedBefore = stats(backend).failed();
    long bound = INTERVAL.toMillis() * 3 + TIMEOUT.toMillis();
    await(() -> backend.state() == BackendState.DOWN, bound + SCHEDULING_SLACK_MS, "down");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
    assertThat(stats(backend).failed() - failedBefore).as("down on the third failure in a row, not before").isEqualTo(3);
    assertThat(stats(backend).last().orElseThrow().detail()).isEqualTo("connect refused");
    assertThat(tookMs).as("interval x fall + timeout = %d ms", bound).isLessThanOrEqualTo(bound + SCHEDULING_SLACK_MS);

    try (TestServers.Banner restarted = new TestServers.Banner(null, 0, port)) {
      long passedBefore = stats(backend).run() - stats(backend).failed();
      await(() -> backend.state() == BackendState.UP, 5000, "up again");
      long passed = stats(backend).run() - stats(backend).failed() - passedBefore;
      assertThat(passed).as("back on the second pass in a row").isEqualTo(2);
      // The ring holds the run in order: passes, the three refusals, the passes back.
      assertThat(health.recentChecks("web", backend.address())).extracting(CheckResult::detail)
          .containsSequence("connect refused", "connect refused", "connect refused", "connected", "connected");
      assertThat(health.recentChecks("web", backend.address())).last().extracting(CheckResult::passed).isEqualTo(true);
      // A check passes once the kernel completed the handshake; the server's own accept may come a moment later.
      await(() -> restarted.accepted.get() >= 2, 5000, "the restarted server accepted both passing checks");
    }
  }

  @Test
  void http_503ThenTwoHundred_takesTheBackendOutAndBack() throws Exception {
    try (TestServers.Http server = new TestServers.Http()) {
      PoolConfig config = pool(new ProbeConfig.Http("/health", Optional.empty(), StatusCodes.DEFAULT, Optional.empty()),
          false, server.port());
      Backend backend = health.watch(Pools.fromConfig(config), config).backends().get(0);
      // The very first check may time out while the HTTP client loads its classes; wait for a verdict of 200.
      await(() -> runs(backend) >= 1 && backend.state() == BackendState.UP
          && stats(backend).last().orElseThrow().passed(), 5000, "up on 200");

      server.status.set(503);
      await(() -> backend.state() == BackendState.DOWN, 5000, "down on 503");
      assertThat(stats(backend).last().orElseThrow().detail()).isEqualTo("HTTP 503 (expected 200-399)");
      server.status.set(200);
      await(() -> backend.state() == BackendState.UP, 5000, "up on 200");
      assertThat(stats(backend).last().orElseThrow().detail()).isEqualTo("HTTP 200");
    }
  }

  @Test
  void sendExpect_bannerThatChanges_andABackendThatNeverAnswers() throws Exception {
    try (TestServers.Banner ftp = new TestServers.Banner("220 ready\r\n", 0);
         TestServers.Banner silent = new TestServers.Banner(null, 0)) {
      PoolConfig config = pool(new ProbeConfig.SendExpect("", "^220 "), false, ftp.port(), silent.port());
      Pool pool = health.watch(Pools.fromConfig(config), config);
      Backend good = pool.backends().get(0);
      Backend mute = pool.backends().get(1);

      await(() -> mute.state() == BackendState.DOWN, 5000, "silent backend down");
      assertThat(stats(mute).last().orElseThrow().detail())
          .isEqualTo("timeout after 500ms waiting for a reply matching /^220 /");
      assertThat(good.state()).isEqualTo(BackendState.UP);

      ftp.banner.set("421 service not available\r\n");
      await(() -> good.state() == BackendState.DOWN, 5000, "down on a wrong banner");
      ftp.banner.set("220 ready again\r\n");
      await(() -> good.state() == BackendState.UP, 5000, "up on the right banner");
    }
  }

  @Test
  void drainedBackend_isNotBroughtBackByPassingChecks() throws Exception {
    try (TestServers.Banner server = new TestServers.Banner(null, 0)) {
      PoolConfig config = pool(new ProbeConfig.Tcp(), false, server.port());
      Backend backend = health.watch(Pools.fromConfig(config), config).backends().get(0);
      backend.admin(AdminState.DRAINING);
      long runBefore = runs(backend);
      await(() -> runs(backend) >= runBefore + 4, 5000, "four more checks");
      assertThat(stats(backend).failed()).isZero();
      assertThat(backend.state()).isEqualTo(BackendState.DRAINING);
      assertThat(backend.checksPassing()).isTrue();
    }
  }

  @Test
  void startDown_takesNoTrafficUntilTheFirstCheckPasses() throws Exception {
    int closed = TestServers.closedPort();
    try (TestServers.Banner server = new TestServers.Banner(null, 0)) {
      PoolConfig config = pool(new ProbeConfig.Tcp(), true, server.port(), closed);
      Pool pool = Pools.fromConfig(config);
      assertThat(pool.backends()).allMatch(b -> b.state() == BackendState.DOWN);
      pool = health.watch(pool, config);
      Backend up = pool.backends().get(0);
      Backend dead = pool.backends().get(1);
      await(() -> up.state() == BackendState.UP, 5000, "the live one up");
      await(() -> runs(dead) >= 2, 5000, "two checks of the dead one");
      assertThat(dead.state()).isEqualTo(BackendState.DOWN);
    }
  }

  @Test
  void reload_keepsTheVerdictOfKeptBackends_andChecksAddedOnes() throws Exception {
    int closed = TestServers.closedPort();
    try (TestServers.Banner server = new TestServers.Banner(null, 0)) {
      PoolConfig first = pool(new ProbeConfig.Tcp(), false, closed);
      Pool before = health.watch(Pools.fromConfig(first), first);
      Backend dead = before.backends().get(0);
      await(() -> dead.state() == BackendState.DOWN, 5000, "dead backend down");

      PoolConfig second = pool(new ProbeConfig.Tcp(), false, closed, server.port());
      Pool after = health.watch(Pools.update(before, second), second);
      assertThat(after.backends().get(0)).isSameAs(dead);
      assertThat(dead.state()).as("no new first result: it stays down").isEqualTo(BackendState.DOWN);
      Backend added = after.backends().get(1);
      await(() -> runs(added) >= 1, 5000, "added one checked");
      assertThat(added.state()).isEqualTo(BackendState.UP);

      PoolConfig unchecked = new PoolConfig("web", "round-robin", second.backends(), 2, Optional.empty(), Duration.ZERO,
          Optional.empty(), Optional.empty());
      health.watch(Pools.update(after, unchecked), unchecked);
      await(() -> dead.state() == BackendState.UP, 5000, "checks off: nothing holds it down");
      await(() -> health.stats("web", dead.address()).isEmpty(), 5000, "no checks left");
    }
  }

  /**
   * A server-first daemon (SSH, FTP, SMTP) sends its banner once it has accepted, and it accepts
   * once the handshake's last ACK arrives: a probe socket that holds that ACK back (TCP_QUICKACK
   * off, Vert.x's default on epoll) waited up to 200 ms for every banner and failed a 150 ms timeout.
   */
  @Test
  void bannerCheck_takesTheServersTime_notADelayedAck() throws Exception {
    try (TestServers.Banner sshd = new TestServers.Banner("SSH-2.0-OpenSSH_9.2\r\n", 0)) {
      HealthConfig checks = new HealthConfig(new ProbeConfig.SendExpect("", "^SSH-2\\.0"), INTERVAL,
          Duration.ofMillis(150), 1, 1, 0, false);
      PoolConfig config = new PoolConfig("web", "round-robin",
          List.of(BackendConfig.of(new BackendAddress("127.0.0.1", sshd.port()))), 2, Optional.empty(), Duration.ZERO,
          Optional.of(checks), Optional.empty());
      Backend b = health.watch(Pools.fromConfig(config), config).backends().get(0);
      await(() -> runs(b) >= 6, 10_000, "six checks");
      CheckStats stats = stats(b);
      assertThat(stats.failed()).as("checks failed, last: %s", stats.last()).isZero();
      assertThat(b.state()).isEqualTo(BackendState.UP);
      // Each check is a connect and a banner on loopback: a few ms, far below the 200 ms of a held ACK.
      assertThat(stats.last().orElseThrow().took()).isLessThan(Duration.ofMillis(100));
    }
  }
}
