package dev.tuneloop.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void linearWarmupThenLinearDecayToZero() {
    LearningRateSchedule s =
        LearningRateSchedule.of(1.0, 0.2, 10, LearningRateSchedule.Decay.LINEAR);
    assertThat(s.warmupSteps()).isEqualTo(2);
    // Hugging Face numbering: the first update uses rate(0) = 0 during warm-up.
    assertThat(s.rate(0)).isZero();
    assertThat(s.rate(1)).isEqualTo(0.5);
    assertThat(s.rate(2)).isEqualTo(1.0);
    assertThat(s.rate(6)).isCloseTo(0.5, within(1e-12));
    assertThat(s.rate(9)).isCloseTo(0.125, within(1e-12));
    assertThat(s.rate(10)).isZero();
  }

  @Test
  void cosineDecayIsHalfwayAtTheMiddle() {
    LearningRateSchedule s =
        LearningRateSchedule.of(2.0, 0.0, 100, LearningRateSchedule.Decay.COSINE);
    assertThat(s.rate(0)).isEqualTo(2.0);
    assertThat(s.rate(50)).isCloseTo(1.0, within(1e-12));
    assertThat(s.rate(25)).isCloseTo(1 + Math.cos(Math.PI / 4), within(1e-12));
    assertThat(s.rate(100)).isCloseTo(0, within(1e-12));
  }

  @Test
  void warmupIsRoundedUpAndValidated() {
    assertThat(LearningRateSchedule.of(1, 0.1, 15, LearningRateSchedule.Decay.LINEAR).warmupSteps())
        .isEqualTo(2);
    assertThatThrownBy(() -> LearningRateSchedule.of(1, 1.5, 10, LearningRateSchedule.Decay.LINEAR))
        .hasMessageContaining("warm-up ratio");
  }
}
