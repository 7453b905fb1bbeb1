package io.portfw.balancing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackendTest {

  private final FakeTicker ticker = new FakeTicker();

  private Backend backend(int weight, int maxConnections, Duration slowStart) {
    return new Backend(TestBackends.address(1), new Backend.Settings(weight, false, maxConnections, slowStart), ticker);
  }

  @Test
  void slowStart_rampsFromASmallShareToFullWeightAfterComingBack() {
    Backend b = backend(4, 0, Duration.ofSeconds(40));
    int full = 4 * Backend.WEIGHT_SCALE;
    assertThat(b.effectiveWeight()).as("at first start: full weight at once").isEqualTo(full);

    b.checks(false);
    b.checks(true);
    assertThat(b.effectiveWeight()).isEqualTo(1);
    ticker.advance(Duration.ofSeconds(10));
    assertThat(b.effectiveWeight()).isEqualTo(full / 4);
    ticker.advance(Duration.ofSeconds(20));
    assertThat(b.effectiveWeight()).isEqualTo(full * 3 / 4);
    ticker.advance(Duration.ofSeconds(10));
    assertThat(b.effectiveWeight()).isEqualTo(full);
  }

  @Test
  void slowStart_weightOneStillRamps() {
    Backend b = backend(1, 0, Duration.ofSeconds(16));
    b.admin(AdminState.DISABLED);
    b.admin(AdminState.ENABLED);
    ticker.advance(Duration.ofSeconds(8));
    assertThat(b.effectiveWeight()).isEqualTo(8);
  }

  @Test
  void noSlowStart_comingBackIsFullWeightAtOnce() {
    Backend b = backend(3, 0, Duration.ZERO);
    b.checks(false);
    b.checks(true);
    assertThat(b.effectiveWeight()).isEqualTo(3 * Backend.WEIGHT_SCALE);
  }

  @Test
  void slowStart_strategiesGiveARampingBackendLess() {
    List<Backend> b = List.of(backend(1, 0, Duration.ofSeconds(100)),
        new Backend(TestBackends.address(2), new Backend.Settings(1, false, 0, Duration.ofSeconds(100)), ticker));
    b.get(0).checks(false);
    b.get(0).checks(true);
    ticker.advance(Duration.ofSeconds(25)); // a quarter of the ramp
    java.util.SplittableRandom seeded = new java.util.SplittableRandom(3);
    LoadBalancer random = LoadBalancers.byName("random", b, () -> seeded);
    int ramping = 0;
    for (int i = 0; i < 10_000; i++) {
      if (random.pick(TestBackends.CLIENT) == b.get(0)) {
        ramping++;
      }
    }
    // weight 4 units against 16: a fifth of new connections instead of a half
    assertThat(ramping).isBetween(1800, 2200);
  }

  @Test
  void tryAcquire_neverPassesTheLimitFromManyThreads() throws Exception {
    Backend b = backend(1, 5, Duration.ZERO);
    AtomicInteger over = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 50_000; i++) {
            if (b.tryAcquire()) {
              if (b.activeConnections() > 5) {
                over.incrementAndGet();
              }
              b.release();
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(over.get()).isZero();
    assertThat(b.activeConnections()).isZero();
    assertThat(b.tryAcquire()).isTrue();
  }

  @Test
  void apply_changesSettingsButKeepsCountersAndState() {
    Backend b = backend(1, 0, Duration.ZERO);
    b.tryAcquire();
    b.admin(AdminState.DRAINING);
    b.apply(new Backend.Settings(7, true, 10, Duration.ZERO));
    assertThat(b.weight()).isEqualTo(7);
    assertThat(b.isBackup()).isTrue();
    assertThat(b.activeConnections()).isEqualTo(1);
    assertThat(b.state()).isEqualTo(BackendState.DRAINING);
  }

  @Test
  void state_operatorWinsOverHealth_andDownNeedsEitherFailingChecksOrEjection() {
    Backend b = backend(1, 0, Duration.ZERO);
    assertThat(b.checks(false)).isEqualTo(new StateChange(BackendState.UP, BackendState.DOWN));
    assertThat(b.ejected(true).changed()).as("already down").isFalse();
    assertThat(b.checks(true).changed()).as("still ejected").isFalse();
    assertThat(b.state()).isEqualTo(BackendState.DOWN);

    assertThat(b.admin(AdminState.DRAINING)).isEqualTo(new StateChange(BackendState.DOWN, BackendState.DRAINING));
    assertThat(b.ejected(false).changed()).as("a recovery does not undo the operator").isFalse();
    assertThat(b.state()).isEqualTo(BackendState.DRAINING);
    assertThat(b.canTake()).isFalse();

    assertThat(b.admin(AdminState.ENABLED)).isEqualTo(new StateChange(BackendState.DRAINING, BackendState.UP));
    b.checks(false);
    assertThat(b.admin(AdminState.ENABLED).to()).as("enabling does not hide failing checks").isEqualTo(BackendState.DOWN);
  }

  @Test
  void failureStreak_countsInARowAndASuccessEndsIt() {
    Backend b = backend(1, 0, Duration.ZERO);
    assertThat(b.countFailure()).isEqualTo(1);
    long before = System.nanoTime();
    assertThat(b.countFailure()).isEqualTo(2);
    b.countSuccess(before);
    assertThat(b.failureStreak()).as("a connection older than the failure proves nothing").isEqualTo(2);
    b.countSuccess(System.nanoTime());
    assertThat(b.failureStreak()).isZero();
    assertThat(b.countFailure()).isEqualTo(1);
  }
}
