package dev.tuneloop.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

  private static final List<String> ABC = List.of("a", "b", "c");

  /**
   * Six examples worked by hand. truth a a a b b c, predicted a a b b c c. Confusion [[2,1,0],
   * [0,1,1], [0,0,1]]; P/R/F1: a 1, 2/3, 0.8; b 0.5, 0.5, 0.5; c 0.5, 1, 2/3.
   */
  private static final int[] TRUTH = {0, 0, 0, 1, 1, 2};

  private static final float[][] PROBABILITIES = {
    {0.75f, 0.15f, 0.1f},
    {0.95f, 0.03f, 0.02f},
    {0.35f, 0.65f, 0.0f},
    {0.15f, 0.85f, 0.0f},
    {0.05f, 0.3f, 0.65f},
    {0.0f, 0.0f, 1.0f},
  };

  @Test
  void handComputedThreeClassCase() {
    ClassificationMetrics m = ClassificationMetrics.compute(ABC, TRUTH, PROBABILITIES);

    assertThat(m.confusionMatrix()).isDeepEqualTo(new long[][] {{2, 1, 0}, {0, 1, 1}, {0, 0, 1}});
    assertThat(m.accuracy()).isCloseTo(4.0 / 6, within(1e-12));
    assertThat(m.microF1()).isCloseTo(4.0 / 6, within(1e-12));
    assertThat(m.macroF1()).isCloseTo((0.8 + 0.5 + 2.0 / 3) / 3, within(1e-12));
    assertThat(m.weightedF1()).isCloseTo((0.8 * 3 + 0.5 * 2 + 2.0 / 3) / 6, within(1e-12));

    ClassMetrics a = m.perClass().get(0);
    assertThat(a.precision()).isEqualTo(1.0);
    assertThat(a.recall()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(a.f1()).isCloseTo(0.8, within(1e-12));
    assertThat(a.support()).isEqualTo(3);
    ClassMetrics c = m.perClass().get(2);
    assertThat(c.precision()).isEqualTo(0.5);
    assertThat(c.recall()).isEqualTo(1.0);
    assertThat(c.support()).isEqualTo(1);

    // -(ln .75 + ln .95 + ln .35 + ln .85 + ln .3 + ln 1) / 6
    double expectedLogLoss =
        -(Math.log(0.75f) + Math.log(0.95f) + Math.log(0.35f) + Math.log(0.85f) + Math.log(0.3f))
            / 6;
    assertThat(m.logLoss()).isCloseTo(expectedLogLoss, within(1e-9));

    // Bins of width 0.1 over the predicted label's probability: (0.6,0.7] two wrong at 0.65 ->
    // |0 - 1.3|; (0.7,0.8] right at 0.75 -> .25; (0.8,0.9] right at 0.85 -> .15; (0.9,1] right at
    // 0.95 and 1.0 -> |2 - 1.95|. Sum 1.75 over 6 examples.
    assertThat(m.expectedCalibrationError()).isCloseTo(1.75 / 6, within(1e-6));
  }

  @Test
  void labelNeverSeenNorPredictedCountsAsZeroInMacroF1() {
    ClassificationMetrics m =
        ClassificationMetrics.compute(ABC, new int[] {0, 1}, new float[][] {{1, 0, 0}, {0, 1, 0}});
    assertThat(m.accuracy()).isEqualTo(1.0);
    assertThat(m.perClass().get(2).f1()).isZero();
    assertThat(m.perClass().get(2).support()).isZero();
    assertThat(m.macroF1()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.expectedCalibrationError()).isZero();
  }

  @Test
  void confidentMistakesAreFullyMiscalibratedAndExpensiveInLogLoss() {
    ClassificationMetrics m =
        ClassificationMetrics.compute(
            List.of("ham", "spam"), new int[] {0, 1}, new float[][] {{0, 1}, {1, 0}});
    assertThat(m.accuracy()).isZero();
    assertThat(m.expectedCalibrationError()).isEqualTo(1.0);
    assertThat(m.logLoss()).isCloseTo(-Math.log(1e-15), within(1e-9));
  }

  @Test
  void flatMapCarriesPerLabelKeys() {
    ClassificationMetrics m = ClassificationMetrics.compute(ABC, TRUTH, PROBABILITIES);
    assertThat(m.asMap())
        .containsKeys("accuracy", "macro_f1", "log_loss", "ece", "f1_a", "recall_c");
    assertThat(m.get("precision_b")).isEqualTo(0.5);
    assertThatThrownBy(() -> m.get("auc")).hasMessageContaining("Unknown metric 'auc'");
  }

  @Test
  void mismatchedInputsAreRejected() {
    assertThatThrownBy(
            () -> ClassificationMetrics.compute(ABC, new int[] {0}, new float[][] {{1, 0}}))
        .hasMessageContaining("Row 0 has 2 probabilities for 3 labels");
    assertThatThrownBy(
            () -> ClassificationMetrics.compute(ABC, new int[] {5}, new float[][] {{1, 0, 0}}))
        .hasMessageContaining("out of range");
  }
}
