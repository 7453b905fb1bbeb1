package io.portfw.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RiseFallTest {

  @Test
  void undecided_firstResultDecidesEitherWay() {
    RiseFall assumedUp = new RiseFall(2, 3, true, false);
    assertThat(assumedUp.record(false)).as("one failure is enough before anything is known").isTrue();
    assertThat(assumedUp.passing()).isFalse();

    RiseFall startsDown = new RiseFall(2, 3, false, false);
    assertThat(startsDown.record(true)).isTrue();
    assertThat(startsDown.passing()).isTrue();

    RiseFall confirmed = new RiseFall(2, 3, true, false);
    assertThat(confirmed.record(true)).as("already up: no flip").isFalse();
    assertThat(confirmed.passing()).isTrue();
  }

  @Test
  void decided_fallFailuresInARowTakeItDown_andRisePassesBringItBack() {
    RiseFall v = new RiseFall(2, 3, true, true);
    assertThat(v.record(false)).isFalse();
    assertThat(v.record(false)).isFalse();
    assertThat(v.record(true)).as("a pass breaks the streak").isFalse();
    assertThat(v.record(false)).isFalse();
    assertThat(v.record(false)).isFalse();
    assertThat(v.record(false)).as("third in a row").isTrue();
    assertThat(v.passing()).isFalse();

    assertThat(v.record(true)).isFalse();
    assertThat(v.record(false)).isFalse();
    assertThat(v.record(true)).isFalse();
    assertThat(v.streak()).isEqualTo(1);
    assertThat(v.record(true)).as("second pass in a row").isTrue();
    assertThat(v.passing()).isTrue();
    assertThat(v.streak()).isZero();
  }

  @Test
  void riseAndFallOfOne_flipOnEveryChange() {
    RiseFall v = new RiseFall(1, 1, true, true);
    assertThat(v.record(false)).isTrue();
    assertThat(v.record(false)).isFalse();
    assertThat(v.record(true)).isTrue();
  }
}
