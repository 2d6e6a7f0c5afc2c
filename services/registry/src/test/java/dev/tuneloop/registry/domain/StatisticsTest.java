package dev.tuneloop.registry.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StatisticsTest {

  @Test
  void normalCdfMatchesTables() {
    assertThat(Statistics.normalCdf(0)).isCloseTo(0.5, within(1e-7));
    assertThat(Statistics.normalCdf(1.96)).isCloseTo(0.975, within(1e-4));
    assertThat(Statistics.normalCdf(-1.645)).isCloseTo(0.05, within(1e-4));
  }

  @Test
  void zTestFindsAClearlyLowerProportionAndNotASmallDifference() {
    // 80 % vs 90 % on 1000 each: z ~ -6.2
    assertThat(Statistics.pValueLower(800, 1000, 900, 1000)).isLessThan(1e-6);
    // 88 % vs 90 % on 100 each: not significant
    assertThat(Statistics.pValueLower(88, 100, 90, 100)).isGreaterThan(0.3);
    // better is never "lower"
    assertThat(Statistics.pValueLower(950, 1000, 900, 1000)).isGreaterThan(0.99);
    assertThat(Statistics.pValueLower(0, 0, 5, 10)).isEqualTo(1.0);
  }

  @Test
  void chiSquareSurvivalMatchesTables() {
    assertThat(Statistics.chiSquareSurvival(3.841, 1)).isCloseTo(0.05, within(1e-3));
    assertThat(Statistics.chiSquareSurvival(5.991, 2)).isCloseTo(0.05, within(1e-3));
    assertThat(Statistics.chiSquareSurvival(18.307, 10)).isCloseTo(0.05, within(1e-3));
    assertThat(Statistics.chiSquareSurvival(0.5, 3)).isCloseTo(0.9189, within(1e-3));
  }

  @Test
  void distributionTestsSeparateSameFromDifferent() {
    Map<String, Long> a = Map.of("spam", 300L, "ham", 700L);
    Map<String, Long> same = Map.of("spam", 31L, "ham", 69L);
    Map<String, Long> flipped = Map.of("spam", 700L, "ham", 300L);
    assertThat(Statistics.jensenShannon(a, same)).isLessThan(0.001);
    assertThat(Statistics.chiSquareHomogeneity(a, same)).isGreaterThan(0.5);
    assertThat(Statistics.jensenShannon(a, flipped)).isGreaterThan(0.1);
    assertThat(Statistics.chiSquareHomogeneity(a, flipped)).isLessThan(1e-6);
    assertThat(Statistics.jensenShannon(Map.of("a", 5L), Map.of("b", 5L)))
        .isCloseTo(1.0, within(1e-9));
  }
}
