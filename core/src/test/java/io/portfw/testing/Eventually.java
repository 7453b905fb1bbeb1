package io.portfw.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded waits for the tests: {@link #holds} polls a condition until it holds or a deadline
 * passes; {@link #holdsFor} checks that a condition keeps holding for a whole window. Every wait
 * in the tests is one of these, so none sleeps blindly and none can hang.
 */
public final class Eventually {

  /** How often a condition is polled. */
  private static final long POLL_MILLIS = 20;

  private Eventually() {}

  public static void holds(Duration within, String what, BooleanSupplier condition) {
    holds(within, () -> what, condition);
  }

  public static void holds(Duration within, Supplier<String> what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what.get());
      }
      pause();
    }
  }

  /**
   * A negative wait: that something does not happen within {@code window}. The condition is
   * polled over the whole window, the last time after it has passed, and the first poll that
   * finds it false fails at once.
   */
  public static void holdsFor(Duration window, String what, BooleanSupplier condition) {
    holdsFor(window, () -> what, condition);
  }

  public static void holdsFor(Duration window, Supplier<String> what, BooleanSupplier condition) {
    long started = System.nanoTime();
    long end = started + window.toNanos();
    while (true) {
      boolean last = System.nanoTime() - end > 0; // decided before the poll, so the final poll is after the window
      if (!condition.getAsBoolean()) {
        throw new AssertionError("stopped holding after " + Duration.ofNanos(System.nanoTime() - started).toMillis()
            + " ms of " + window + ": " + what.get());
      }
      if (last) {
        return;
      }
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_MILLIS); // the poll interval, not a wait for anything
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
