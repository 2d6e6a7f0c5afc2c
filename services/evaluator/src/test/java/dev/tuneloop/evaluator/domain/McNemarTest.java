package dev.tuneloop.evaluator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class McNemarTest {

  @Test
  void exactBinomialMatchesHandComputedValues() {
    // 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 158 / 4096
    McNemar.Result r = McNemar.fromCounts(10, 2);
    assertThat(r.method()).isEqualTo(McNemar.Method.EXACT_BINOMIAL);
    assertThat(r.pValue()).isCloseTo(158.0 / 4096, within(1e-12));
    assertThat(McNemar.fromCounts(0, 8).pValue()).isCloseTo(2.0 / 256, within(1e-12));
    assertThat(McNemar.fromCounts(3, 9).pValue()).isCloseTo(0.14599609375, within(1e-12));
    assertThat(McNemar.fromCounts(5, 5).pValue()).isEqualTo(1.0);
    assertThat(McNemar.fromCounts(0, 0).pValue()).isEqualTo(1.0);
  }

  @Test
  void chiSquaredWithContinuityCorrectionFromTwentyFiveDiscordantPairs() {
    // (|30 - 15| - 1)^2 / 45 = 4.3556, p = erfc(sqrt(4.3556 / 2)) = 0.036888
    McNemar.Result r = McNemar.fromCounts(30, 15);
    assertThat(r.method()).isEqualTo(McNemar.Method.CHI_SQUARED_CONTINUITY);
    assertThat(r.statistic()).isCloseTo(196.0 / 45, within(1e-12));
    assertThat(r.pValue()).isCloseTo(0.03688842570704985, within(1e-9));
    assertThat(McNemar.fromCounts(40, 20).pValue()).isCloseTo(0.01417138825401233, within(1e-9));
    assertThat(McNemar.fromCounts(100, 60).pValue()).isCloseTo(0.0020477321536687596, within(1e-9));
    assertThat(McNemar.fromCounts(13, 12).pValue()).isEqualTo(1.0);
  }

  @Test
  void complementaryErrorFunctionIsAccurateOnBothBranches() {
    assertThat(McNemar.erfc(0.5)).isCloseTo(0.4795001221869535, within(1e-13));
    assertThat(McNemar.erfc(2.5)).isCloseTo(0.0004069520174449589, within(1e-15));
    assertThat(McNemar.erfc(3.5) / 7.430983723414128e-07).isCloseTo(1.0, within(1e-10));
    assertThat(McNemar.erfc(5.0) / 1.5374597944280351e-12).isCloseTo(1.0, within(1e-10));
  }

  @Test
  void countsDiscordantPairsFromPredictions() {
    int[] truth = {0, 0, 1, 1, 1, 0};
    int[] candidate = {0, 0, 1, 1, 0, 1}; // right on 0-3
    int[] champion = {1, 0, 0, 1, 1, 1}; // right on 1, 3, 4
    McNemar.Result r = McNemar.test(truth, candidate, champion);
    assertThat(r.candidateOnlyCorrect()).isEqualTo(2); // examples 0, 2
    assertThat(r.championOnlyCorrect()).isEqualTo(1); // example 4
    assertThatThrownBy(() -> McNemar.test(truth, candidate, new int[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same examples");
  }
}
