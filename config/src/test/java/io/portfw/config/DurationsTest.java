package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parse_acceptsEveryUnit() {
    assertThat(Durations.parse("250ms")).contains(Duration.ofMillis(250));
    assertThat(Durations.parse("5s")).contains(Duration.ofSeconds(5));
    assertThat(Durations.parse("2m")).contains(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).contains(Duration.ofHours(1));
    assertThat(Durations.parse("7d")).contains(Duration.ofDays(7));
  }

  @Test
  void parse_refusesOtherWords() {
    assertThat(Durations.parse("5")).isEmpty();
    assertThat(Durations.parse("5 sec")).isEmpty();
    assertThat(Durations.parse("-5s")).isEmpty();
    assertThat(Durations.parse("1.5s")).isEmpty();
  }
}
