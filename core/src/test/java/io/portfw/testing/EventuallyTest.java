package io.portfw.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The waits themselves: each can fail, and holdsFor watches its whole window. */
class EventuallyTest {

  @Test
  void holds_failsWhenTheConditionNeverHolds() {
    assertThatThrownBy(() -> Eventually.holds(Duration.ofMillis(100), "never", () -> false))
        .isInstanceOf(AssertionError.class).hasMessageContaining("never");
  }

  @Test
  void holds_returnsOnceTheConditionHolds() {
    AtomicInteger polls = new AtomicInteger();
    Eventually.holds(Duration.ofSeconds(5), "third poll", () -> polls.incrementAndGet() >= 3);
    assertThat(polls.get()).isEqualTo(3);
  }

  @Test
  void holdsFor_pollsOverTheWholeWindow() {
    AtomicInteger polls = new AtomicInteger();
    long started = System.nanoTime();
    Eventually.holdsFor(Duration.ofMillis(300), "always", () -> polls.incrementAndGet() > 0);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(polls.get()).isGreaterThan(2);
  }

  @Test
  void holdsFor_failsAsSoonAsTheConditionBreaks() {
    AtomicInteger polls = new AtomicInteger();
    long started = System.nanoTime();
    assertThatThrownBy(() -> Eventually.holdsFor(Duration.ofSeconds(10), "until the third poll",
        () -> polls.incrementAndGet() < 3))
        .isInstanceOf(AssertionError.class).hasMessageContaining("until the third poll");
    assertThat(polls.get()).isEqualTo(3);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void holdsFor_checksOnceMoreAfterTheWindow() {
    long end = System.nanoTime() + Duration.ofMillis(200).toNanos();
    assertThatThrownBy(() -> Eventually.holdsFor(Duration.ofMillis(200), "breaks at the end",
        () -> System.nanoTime() - end < 0))
        .isInstanceOf(AssertionError.class);
  }
}
