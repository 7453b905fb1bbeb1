package io.portfw.health;

import io.portfw.balancing.Backend;
import io.portfw.balancing.ConnectionOutcomes;
import io.portfw.balancing.StateChange;
import io.portfw.config.BackendAddress;
import io.portfw.config.OutlierConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Passive health for one pool, after Envoy's outlier detection: a backend whose live traffic
 * fails {@code consecutiveFailures} times in a row (connect failures, resets from the backend)
 * is ejected for a cool-down, then let back. Each ejection soon after the last one lasts one
 * {@code ejectionTime} longer, up to {@code maxEjectionTime}; each {@code ejectionTime} spent
 * back without trouble takes one step off again. A ceiling on how many backends may be out at
 * once keeps a network blip from emptying the pool.
 *
 * <p>The data path only counts, on the backend itself; decisions run on the health context.
 * Kept across reloads of its pool, so ejections and their history survive.
 */
public final class OutlierDetector implements ConnectionOutcomes {

  /** A backend out now: how long it has left, and how far its cool-down had grown (handed on by a take-over). */
  public record Ejection(BackendAddress backend, long remainingMillis, int steps) {}

  /** One backend's ejection history; confined to the health context. */
  private static final class History {
    int steps;
    long backAtNanos;
    long outUntilNanos;
    long timer = -1;
    long ceilingLoggedAtNanos = Long.MIN_VALUE;
  }

  private final String pool;
  private final Vertx vertx;
  private final Context context;
  private volatile OutlierConfig config;
  private volatile List<Backend> backends;
  private final Map<Backend, History> histories = new HashMap<>();
  /** Told of each ejection decided here (not of carried ones), on the health context. */
  private final Consumer<Ejection> ejected;
  private boolean closed;

  OutlierDetector(String pool, OutlierConfig config, List<Backend> backends, Vertx vertx, Context context,
      Consumer<Ejection> ejected) {
    this.pool = pool;
    this.ejected = ejected;
    this.config = config;
    this.backends = List.copyOf(backends);
    this.vertx = vertx;
    this.context = context;
  }

  @Override
  public void connectFailed(Backend backend, Throwable cause) {
    failed(backend, Failures.describe(cause));
  }

  @Override
  public void ended(Backend backend, boolean resetByBackend, long connectedNanos) {
    if (resetByBackend) {
      failed(backend, "reset by backend");
    } else {
      backend.countSuccess(connectedNanos);
    }
  }

  private void failed(Backend backend, String reason) {
    int streak = backend.countFailure();
    if (streak >= config.consecutiveFailures()) {
      context.runOnContext(v -> consider(backend, reason));
    }
  }

  /** Takes a reloaded pool's settings and backends; backends that left the pool are let back (they are gone). */
  void reconfigure(OutlierConfig next, List<Backend> nextBackends) {
    config = next;
    backends = List.copyOf(nextBackends);
    context.runOnContext(v -> histories.keySet().removeIf(b -> {
      if (nextBackends.contains(b)) {
        return false;
      }
      cancel(histories.get(b));
      b.ejected(false);
      return true;
    }));
  }

  /** Passive checking is switched off for this pool: every ejected backend is let back now. */
  void close() {
    context.runOnContext(v -> {
      closed = true;
      histories.forEach((backend, history) -> {
        cancel(history);
        if (backend.isEjected()) {
          StateLog.changed(pool, backend, backend.ejected(false), "let back", "passive health checks switched off");
        }
      });
      histories.clear();
    });
  }

  private void consider(Backend backend, String reason) {
    OutlierConfig c = config;
    List<Backend> all = backends;
    int streak = backend.failureStreak();
    if (closed || backend.isEjected() || streak < c.consecutiveFailures() || !all.contains(backend)) {
      return; // already out, or a success came in between, or no longer in the pool
    }
    History history = histories.computeIfAbsent(backend, b -> new History());
    long now = System.nanoTime();
    int out = (int) all.stream().filter(Backend::isEjected).count();
    int ceiling = Math.max(1, all.size() * c.maxEjectionPercent() / 100);
    boolean lastUsable = all.stream().noneMatch(b -> b != backend && b.isUsable());
    if (out >= ceiling || lastUsable) {
      if (now - history.ceilingLoggedAtNanos > c.ejectionTime().toNanos() || history.ceilingLoggedAtNanos == Long.MIN_VALUE) {
        history.ceilingLoggedAtNanos = now;
        StateLog.note("pool {}: backend {} failing ({} in a row, last: {}) but not ejected: {}", pool, backend, streak,
            reason, lastUsable ? "no other backend of the pool could take its clients"
                : out + " of " + all.size() + " backends are already out, the most maxEjectionPercent "
                    + c.maxEjectionPercent() + " allows");
      }
      return;
    }
    if (history.steps > 0 && history.backAtNanos != 0) {
      long calm = (now - history.backAtNanos) / Math.max(1, c.ejectionTime().toNanos());
      history.steps = (int) Math.max(0, history.steps - calm);
    }
    long maxSteps = Math.max(1, -Math.floorDiv(-c.maxEjectionTime().toMillis(), Math.max(1, c.ejectionTime().toMillis())));
    if (history.steps < maxSteps) {
      history.steps++; // no further than the longest cool-down, so good behaviour soon shortens it again
    }
    long millis = Math.min(c.ejectionTime().toMillis() * history.steps, c.maxEjectionTime().toMillis());
    StateChange change = backend.ejected(true);
    StateLog.changed(pool, backend, change, "ejected for " + DurationWords.words(millis),
        streak + " failures in a row, last: " + reason);
    history.outUntilNanos = now + TimeUnit.MILLISECONDS.toNanos(millis);
    history.timer = vertx.setTimer(millis, id -> letBack(backend, history, millis));
    ejected.accept(new Ejection(backend.address(), millis, history.steps));
  }

  /** The backends out now, for a process that takes this one over. */
  Future<List<Ejection>> ejections() {
    Promise<List<Ejection>> out = Promise.promise();
    context.runOnContext(v -> {
      long now = System.nanoTime();
      List<Ejection> all = new ArrayList<>();
      histories.forEach((backend, h) -> {
        if (h.timer >= 0 && backend.isEjected()) {
          all.add(new Ejection(backend.address(), Math.max(1, TimeUnit.NANOSECONDS.toMillis(h.outUntilNanos - now)),
              h.steps));
        }
      });
      out.complete(all);
    });
    return out.future();
  }

  /**
   * An ejection made elsewhere (by the process this one took over, by a cluster member): the
   * backend stays out for what was left of it; {@code why} says where it came from in the log.
   */
  void carry(Ejection e, String why) {
    context.runOnContext(v -> {
      OutlierConfig c = config;
      List<Backend> all = backends;
      Backend backend = all.stream().filter(b -> b.address().equals(e.backend())).findFirst().orElse(null);
      if (closed || backend == null || backend.isEjected()) {
        return;
      }
      // The same bounds as an ejection decided here: several members each ejecting a different backend
      // within their own share must not take the whole pool out together.
      int out = (int) all.stream().filter(Backend::isEjected).count();
      boolean lastUsable = all.stream().noneMatch(b -> b != backend && b.isUsable());
      if (out >= Math.max(1, all.size() * c.maxEjectionPercent() / 100) || lastUsable) {
        StateLog.note("pool {}: backend {} not ejected ({}): {}", pool, backend, why, lastUsable
            ? "no other backend of the pool could take its clients"
            : out + " of " + all.size() + " backends are already out, the most maxEjectionPercent allows");
        return;
      }
      long millis = Math.max(1, Math.min(e.remainingMillis(), c.maxEjectionTime().toMillis()));
      long maxSteps = Math.max(1, -Math.floorDiv(-c.maxEjectionTime().toMillis(), Math.max(1, c.ejectionTime().toMillis())));
      History history = histories.computeIfAbsent(backend, b -> new History());
      history.steps = (int) Math.max(1, Math.min(e.steps(), maxSteps));
      history.outUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      StateLog.changed(pool, backend, backend.ejected(true), "ejected for " + DurationWords.words(millis), why);
      history.timer = vertx.setTimer(millis, id -> letBack(backend, history, millis));
    });
  }

  private void letBack(Backend backend, History history, long millis) {
    history.timer = -1;
    history.backAtNanos = System.nanoTime();
    backend.clearFailures(); // a fresh start: the failures before the ejection are paid for
    StateChange change = backend.ejected(false);
    StateLog.changed(pool, backend, change, "let back", "after a cool-down of " + DurationWords.words(millis));
  }

  private void cancel(History history) {
    if (history != null && history.timer >= 0) {
      vertx.cancelTimer(history.timer);
      history.timer = -1;
    }
  }
}
