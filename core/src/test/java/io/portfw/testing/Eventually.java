package io.portfw.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; every wait in the tests is bounded. */
public final class Eventually {

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
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
