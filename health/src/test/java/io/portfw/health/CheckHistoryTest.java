package io.portfw.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CheckHistoryTest {

  @Test
  void results_keepTheLastTwentyOldestFirst() {
    CheckHistory history = new CheckHistory();
    for (int i = 0; i < 25; i++) {
      history.add(new CheckResult(Instant.ofEpochSecond(i), i % 2 == 0, "check " + i, Duration.ofMillis(i)));
    }
    assertThat(history.results()).hasSize(CheckHistory.KEPT);
    assertThat(history.results().get(0).detail()).isEqualTo("check 5");
    assertThat(history.results().get(CheckHistory.KEPT - 1).detail()).isEqualTo("check 24");
  }

  @Test
  void results_isACopy() {
    CheckHistory history = new CheckHistory();
    history.add(new CheckResult(Instant.EPOCH, true, "connected", Duration.ZERO));
    var before = history.results();
    history.add(new CheckResult(Instant.EPOCH, false, "refused", Duration.ZERO));
    assertThat(before).hasSize(1);
    assertThat(history.results()).extracting(CheckResult::passed).containsExactly(true, false);
  }
}
