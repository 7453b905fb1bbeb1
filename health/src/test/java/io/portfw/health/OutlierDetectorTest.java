package io.portfw.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.Backend;
import io.portfw.balancing.BackendState;
import io.portfw.config.BackendAddress;
import io.portfw.config.OutlierConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ejection policy, fed the outcomes the data path reports (the forwarder's own tests drive
 * it with real refusing backends).
 */
class OutlierDetectorTest {

  private static final ConnectException REFUSED = new ConnectException("Connection refused");
  private static final Duration EJECTION = Duration.ofMillis(300);

  private Vertx vertx;
  private Context context;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static List<Backend> backends(int n) {
    return IntStream.range(0, n).mapToObj(i -> new Backend(new BackendAddress("127.0.0.1", 9001 + i), 1, false)).toList();
  }

  private OutlierDetector detector(List<Backend> backends, int percent) {
    return new OutlierDetector("web", new OutlierConfig(3, EJECTION, Duration.ofSeconds(10), percent), backends, vertx,
        context, e -> {});
  }

  /** Ejections that last minutes: nothing comes back while the test looks. */
  private OutlierDetector longEjections(List<Backend> backends, int percent) {
    return new OutlierDetector("web", new OutlierConfig(3, Duration.ofMinutes(1), Duration.ofMinutes(5), percent), backends,
        vertx, context, e -> {});
  }

  /** How many of a pool of {@code n} are ejected once each has failed five times in a row. */
  private long ejectedWhenAllFail(int n, int percent) throws Exception {
    List<Backend> pool = backends(n);
    OutlierDetector d = longEjections(pool, percent);
    pool.forEach(b -> fail(d, b, 5));
    settle();
    return pool.stream().filter(Backend::isEjected).count();
  }

  private static void fail(OutlierDetector d, Backend b, int times) {
    for (int i = 0; i < times; i++) {
      d.connectFailed(b, REFUSED);
    }
  }

  /** Three refusals in a row (the configured threshold), then waits for the ejection they cause. */
  private static void ejectByRefusals(OutlierDetector d, Backend b, String what) throws InterruptedException {
    fail(d, b, 3);
    await(b::isEjected, what);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 5 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  /** Lets every task already queued on the health context run. */
  private void settle() throws Exception {
    var done = new java.util.concurrent.CompletableFuture<Void>();
    context.runOnContext(v -> done.complete(null));
    done.get(5, TimeUnit.SECONDS);
  }

  @Test
  void consecutiveFailures_ejectForTheCoolDown_thenLetBack() throws Exception {
    List<Backend> b = backends(3);
    OutlierDetector d = detector(b, 50);
    fail(d, b.get(0), 2);
    settle();
    assertThat(b.get(0).state()).as("two is not three").isEqualTo(BackendState.UP);
    d.connectFailed(b.get(0), REFUSED);
    await(() -> b.get(0).state() == BackendState.DOWN, "ejected on the third failure");
    long ejectedAt = System.nanoTime();
    await(() -> b.get(0).state() == BackendState.UP, "let back");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ejectedAt)).isGreaterThanOrEqualTo(EJECTION.toMillis() - 20);
    assertThat(b.get(0).failureStreak()).as("a fresh start").isZero();
  }

  @Test
  void aSuccessInBetween_endsTheStreak_andResetsCountAsFailures() throws Exception {
    List<Backend> b = backends(2);
    OutlierDetector d = detector(b, 50);
    fail(d, b.get(0), 2);
    d.ended(b.get(0), false, System.nanoTime());
    fail(d, b.get(0), 2);
    d.ended(b.get(0), true, System.nanoTime()); // a reset is a failure: the third in a row
    await(() -> b.get(0).isEjected(), "ejected after two refusals and a reset");
  }

  @Test
  void repeatedEjection_lastsLonger() throws Exception {
    List<Backend> b = backends(2);
    OutlierDetector d = detector(b, 50);
    ejectByRefusals(d, b.get(0), "first ejection");
    await(() -> !b.get(0).isEjected(), "first let back");
    ejectByRefusals(d, b.get(0), "second ejection");
    long second = System.nanoTime();
    await(() -> !b.get(0).isEjected(), "second let back");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - second))
        .as("twice the ejection time").isGreaterThanOrEqualTo(2 * EJECTION.toMillis() - 20);
  }

  @Test
  void ceiling_keepsTheRestOfThePoolIn_andNeverEjectsAll() throws Exception {
    assertThat(ejectedWhenAllFail(4, 50)).as("50% of four").isEqualTo(2);
    assertThat(ejectedWhenAllFail(2, 100)).as("never the whole pool").isEqualTo(1);

    List<Backend> one = backends(1);
    OutlierDetector single = detector(one, 100);
    fail(single, one.get(0), 10);
    settle();
    assertThat(one.get(0).isEjected()).as("a pool of one keeps its one").isFalse();

    List<Backend> pair = backends(2);
    pair.get(0).checks(false); // down by active checks: the other is the last that can take clients
    OutlierDetector last = detector(pair, 100);
    fail(last, pair.get(1), 10);
    settle();
    assertThat(pair.get(1).isEjected()).as("the last usable backend stays").isFalse();
  }

  @Test
  void coolDown_stopsGrowingAtTheMaximum_soGoodBehaviourShortensItSoon() throws Exception {
    List<Backend> b = backends(2);
    OutlierDetector d = new OutlierDetector("web", new OutlierConfig(1, Duration.ofMillis(100), Duration.ofMillis(200), 50),
        b, vertx, context, e -> {});
    for (int i = 0; i < 6; i++) {
      d.connectFailed(b.get(0), REFUSED);
      await(() -> b.get(0).isEjected(), "ejected " + i);
      await(() -> !b.get(0).isEjected(), "back " + i);
    }
    Thread.sleep(250); // two ejection times of good behaviour take both steps off
    d.connectFailed(b.get(0), REFUSED);
    await(() -> b.get(0).isEjected(), "ejected again");
    long at = System.nanoTime();
    await(() -> !b.get(0).isEjected(), "back again");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at)).as("one step, not the maximum").isLessThan(190);
  }

  @Test
  void ejection_isToldWithItsTime_butACarriedOneIsNot() throws Exception {
    List<Backend> b = backends(3);
    List<OutlierDetector.Ejection> told = new CopyOnWriteArrayList<>();
    OutlierDetector d = new OutlierDetector("web", new OutlierConfig(1, Duration.ofMinutes(1), Duration.ofMinutes(5), 100),
        b, vertx, context, told::add);
    d.carry(new OutlierDetector.Ejection(b.get(1).address(), 60_000, 1), "from a cluster member");
    await(() -> b.get(1).isEjected(), "the carried ejection");
    d.connectFailed(b.get(0), REFUSED);
    await(() -> b.get(0).isEjected(), "ejected here");
    settle();
    assertThat(told).containsExactly(new OutlierDetector.Ejection(b.get(0).address(), 60_000, 1));
  }

  @Test
  void carriedEjections_keepToTheCeiling_andTheLongestCoolDown() throws Exception {
    List<Backend> b = backends(4);
    OutlierDetector d = longEjections(b, 50); // two of four at most; at most five minutes out
    for (Backend each : b) { // every member of a group ejected a different one, each within its own share
      d.carry(new OutlierDetector.Ejection(each.address(), 3_600_000, 99), "from a cluster member");
    }
    settle();
    assertThat(b.stream().filter(Backend::isEjected).count()).as("carried ones count against the ceiling").isEqualTo(2);
    List<OutlierDetector.Ejection> out = d.ejections().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(out).hasSize(2).allSatisfy(e -> {
      assertThat(e.remainingMillis()).as("an hour asked, five minutes at most").isBetween(1L, 300_000L);
      assertThat(e.steps()).isEqualTo(5);
    });
  }

  @Test
  void close_letsEveryEjectedBackendBack() throws Exception {
    List<Backend> b = backends(3);
    OutlierDetector d = longEjections(b, 50);
    ejectByRefusals(d, b.get(1), "ejected");
    d.close();
    await(() -> !b.get(1).isEjected(), "let back when passive checking is switched off");
    assertThat(b.get(1).state()).isEqualTo(BackendState.UP);
  }
}
