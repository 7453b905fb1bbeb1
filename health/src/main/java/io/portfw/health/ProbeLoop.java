package io.portfw.health;

import io.portfw.balancing.Backend;
import io.portfw.balancing.StateChange;
import io.portfw.config.HealthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Checks one backend again and again: at most one check in flight, the next one an interval
 * after the last one started (or at once when that one took longer), each interval shortened
 * by up to a tenth at random so the checks of many backends drift apart instead of firing
 * together. Confined to the health context.
 */
final class ProbeLoop {

  /** The share of the interval taken off at random. */
  private static final double JITTER = 0.1;

  private final Vertx vertx;
  private final String pool;
  private final Backend backend;
  private final HealthConfig config;
  private final Probe probe;
  private final RiseFall verdict;
  private final boolean decidedAtStart;
  private final LongAdder run = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private volatile CheckResult last;
  private final CheckHistory history = new CheckHistory();
  private long timer = -1;
  private boolean stopped;

  ProbeLoop(Vertx vertx, String pool, Backend backend, HealthConfig config, Probe probe, boolean decided) {
    this.vertx = vertx;
    this.pool = pool;
    this.backend = backend;
    this.config = config;
    this.probe = probe;
    this.verdict = new RiseFall(config.rise(), config.fall(), backend.checksPassing(), decided);
    this.decidedAtStart = decided;
  }

  /** The first check comes at a random point within one interval, so a restart does not probe everything at once. */
  void start() {
    schedule(ThreadLocalRandom.current().nextLong(Math.max(1, config.interval().toMillis())));
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  HealthConfig config() {
    return config;
  }

  CheckResult last() {
    return last;
  }

  /** The last {@link CheckHistory#KEPT} results, oldest first. */
  List<CheckResult> recent() {
    return history.results();
  }

  long checksRun() {
    return run.sum();
  }

  long checksFailed() {
    return failed.sum();
  }

  private void schedule(long delayMillis) {
    timer = vertx.setTimer(Math.max(1, delayMillis), id -> check());
  }

  private void check() {
    timer = -1;
    if (stopped) {
      return;
    }
    long started = System.nanoTime();
    int port = config.port() != 0 ? config.port() : backend.address().port();
    // The address connections go to: a host name's latest answer, not a lookup of its own.
    java.net.InetAddress ip = backend.ip();
    Future<String> checked = ip == null
        ? Future.failedFuture("no address for " + backend.address().host() + " yet")
        : probe.check(ip.getHostAddress(), backend.address().host(), port);
    checked.onComplete(done -> {
      long tookNanos = System.nanoTime() - started;
      if (stopped) {
        return;
      }
      boolean ok = done.succeeded();
      String detail = ok ? done.result() : Failures.describe(done.cause());
      record(ok, detail, tookNanos);
      long interval = config.interval().toMillis();
      long next = interval - (long) (interval * JITTER * ThreadLocalRandom.current().nextDouble());
      schedule(next - tookNanos / 1_000_000);
    });
  }

  private void record(boolean ok, String detail, long tookNanos) {
    run.increment();
    if (!ok) {
      failed.increment();
    }
    last = new CheckResult(Instant.now(), ok, detail, Duration.ofNanos(tookNanos));
    history.add(last);
    boolean firstResult = !decidedAtStart && run.sum() == 1;
    int streak = verdict.streak() + 1;
    if (!verdict.record(ok)) {
      return;
    }
    StateChange change = backend.checks(ok);
    String why;
    if (firstResult) {
      why = "first check " + (ok ? "passed" : "failed");
    } else {
      why = streak == 1 ? (ok ? "check passed" : "check failed")
          : streak + (ok ? " checks passed in a row" : " checks failed in a row");
    }
    StateLog.changed(pool, backend, change, ok ? "checks passing" : "checks failing", detail + ", " + why);
  }
}
