package io.portfw.health;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last few results of one backend's active checks, oldest first, for the dashboard and the
 * API. Written by the health context, read by the admin endpoint: the few results are copied under
 * the lock, so a reader never sees a half-written ring.
 */
final class CheckHistory {

  /** Twenty checks: a minute of a 3 s interval, enough to see a flapping backend at a glance. */
  static final int KEPT = 20;

  private final ArrayDeque<CheckResult> results = new ArrayDeque<>(KEPT);

  synchronized void add(CheckResult result) {
    requireNonNull(result, "result");
    if (results.size() == KEPT) {
      results.removeFirst();
    }
    results.addLast(result);
  }

  synchronized List<CheckResult> results() {
    return List.copyOf(results);
  }
}
