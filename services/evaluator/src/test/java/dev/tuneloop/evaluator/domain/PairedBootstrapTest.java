package dev.tuneloop.evaluator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tuneloop.ml.metrics.ClassificationMetrics;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

  private static final int N = 200;

  private static int[] truth() {
    int[] t = new int[N];
    for (int i = 0; i < N; i++) {
      t[i] = i % 2;
    }
    return t;
  }

  /** Predictions right with probability {@code accuracy}, seeded. */
  private static int[] predictions(int[] truth, double accuracy, long seed) {
    Random random = new Random(seed);
    int[] p = new int[truth.length];
    for (int i = 0; i < truth.length; i++) {
      p[i] = random.nextDouble() < accuracy ? truth[i] : 1 - truth[i];
    }
    return p;
  }

  @Test
  void observedDeltaIsTheMacroF1DifferenceOfClassificationMetrics() {
    int[] truth = truth();
    int[] a = predictions(truth, 0.9, 1);
    int[] b = predictions(truth, 0.7, 2);
    PairedBootstrap.Result r = PairedBootstrap.macroF1Difference(2, truth, a, b, 200, 0.95, 7);
    assertThat(r.observedDelta())
        .isCloseTo(oneHotMacroF1(truth, a) - oneHotMacroF1(truth, b), within(1e-12));
  }

  @Test
  void aClearlyBetterModelHasAnIntervalAboveZeroAndTheSameSeedGivesTheSameInterval() {
    int[] truth = truth();
    int[] better = predictions(truth, 0.95, 1);
    int[] worse = predictions(truth, 0.6, 2);
    PairedBootstrap.Result r =
        PairedBootstrap.macroF1Difference(2, truth, better, worse, 1000, 0.95, 42);
    assertThat(r.lower()).isGreaterThan(0);
    assertThat(r.lower()).isLessThanOrEqualTo(r.observedDelta());
    assertThat(r.upper()).isGreaterThanOrEqualTo(r.observedDelta());
    assertThat(r.pValue()).isLessThan(0.01);
    assertThat(PairedBootstrap.macroF1Difference(2, truth, better, worse, 1000, 0.95, 42))
        .isEqualTo(r);
    PairedBootstrap.Result reversed =
        PairedBootstrap.macroF1Difference(2, truth, worse, better, 1000, 0.95, 42);
    assertThat(reversed.upper()).isLessThan(0);
  }

  @Test
  void identicalModelsGiveAZeroIntervalAndPValueOne() {
    int[] truth = truth();
    int[] same = predictions(truth, 0.8, 3);
    PairedBootstrap.Result r = PairedBootstrap.macroF1Difference(2, truth, same, same, 500, 0.9, 1);
    assertThat(r.lower()).isZero();
    assertThat(r.upper()).isZero();
    assertThat(r.pValue()).isEqualTo(1.0);
  }

  @Test
  void nearestRankQuantiles() {
    double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(PairedBootstrap.quantile(sorted, 0.025)).isEqualTo(1);
    assertThat(PairedBootstrap.quantile(sorted, 0.5)).isEqualTo(5);
    assertThat(PairedBootstrap.quantile(sorted, 0.975)).isEqualTo(10);
  }

  @Test
  void rejectsTooFewSamplesAndUnpairedInput() {
    int[] truth = truth();
    assertThatThrownBy(() -> PairedBootstrap.macroF1Difference(2, truth, truth, truth, 10, 0.95, 1))
        .hasMessageContaining("at least 100");
    assertThatThrownBy(
            () -> PairedBootstrap.macroF1Difference(2, truth, new int[3], truth, 100, 0.95, 1))
        .hasMessageContaining("same");
  }

  private static double oneHotMacroF1(int[] truth, int[] predicted) {
    float[][] p = new float[truth.length][2];
    for (int i = 0; i < truth.length; i++) {
      p[i][predicted[i]] = 1;
    }
    return ClassificationMetrics.compute(List.of("ham", "spam"), truth, p).macroF1();
  }
}
