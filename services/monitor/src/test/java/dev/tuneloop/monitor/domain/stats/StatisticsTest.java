package dev.tuneloop.monitor.domain.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The statistics against values computed by hand or found in tables. */
class StatisticsTest {

  @Test
  void psiMatchesTheFormula() {
    // 0.1 ln(0.6/0.5) + 0.1 ln(0.5/0.4)
    assertThat(Psi.ofCounts(new double[] {50, 50}, new double[] {60, 40}, 0))
        .isCloseTo(0.1 * Math.log(1.2) + 0.1 * Math.log(1.25), within(1e-12));
    assertThat(Psi.ofCounts(new double[] {5, 3, 2}, new double[] {50, 30, 20}))
        .isCloseTo(0, within(1e-12));
    // counts are normalised: only the shares matter
    assertThat(Psi.ofCounts(new double[] {1, 1}, new double[] {600, 400}, 0))
        .isCloseTo(0.040546510810816, within(1e-12));
  }

  @Test
  void psiSmoothingKeepsEmptyBinsFinite() {
    double psi = Psi.ofCounts(new double[] {100, 0}, new double[] {50, 50});
    assertThat(psi).isFinite().isGreaterThan(2);
    assertThatThrownBy(() -> Psi.ofCounts(new double[] {1}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void psiPValueFollowsSampleSize() {
    // the same small shift is noise in a small sample and significant in a big one
    double psi = Psi.ofCounts(new double[] {50, 50}, new double[] {52, 48}, 0);
    assertThat(Psi.pValue(psi, 2, 100, 0)).isGreaterThan(0.5);
    assertThat(Psi.pValue(psi, 2, 100_000, 0)).isLessThan(1e-6);
  }

  @Test
  void jensenShannonInBits() {
    assertThat(JensenShannon.divergence(new double[] {1, 0}, new double[] {0, 1}))
        .isCloseTo(1, within(1e-12));
    assertThat(JensenShannon.divergence(new double[] {3, 7}, new double[] {30, 70}))
        .isCloseTo(0, within(1e-12));
    assertThat(JensenShannon.divergence(new double[] {1, 1}, new double[] {1, 0}))
        .isCloseTo(0.311278124459133, within(1e-12));
    assertThat(JensenShannon.distance(new double[] {1, 1}, new double[] {1, 0}))
        .isCloseTo(Math.sqrt(0.311278124459133), within(1e-12));
  }

  @Test
  void chiSquareTailMatchesTables() {
    assertThat(ChiSquare.survival(3.841458820694124, 1)).isCloseTo(0.05, within(1e-9));
    assertThat(ChiSquare.survival(18.307038053275146, 10)).isCloseTo(0.05, within(1e-9));
    assertThat(ChiSquare.survival(2, 2)).isCloseTo(Math.exp(-1), within(1e-12));
    assertThat(ChiSquare.survival(6.634896601021214, 1)).isCloseTo(0.01, within(1e-9));
    assertThat(ChiSquare.inverseSurvival(0.05, 1)).isCloseTo(3.841458820694124, within(1e-6));
    assertThat(ChiSquare.survival(0, 3)).isEqualTo(1);
  }

  @Test
  void kolmogorovDistributionMatchesTables() {
    assertThat(KolmogorovSmirnov.kolmogorovSurvival(1.0)).isCloseTo(0.26999967, within(1e-6));
    assertThat(KolmogorovSmirnov.kolmogorovSurvival(1.3580986)).isCloseTo(0.05, within(1e-5));
    assertThat(KolmogorovSmirnov.kolmogorovSurvival(1.6276236)).isCloseTo(0.01, within(1e-5));
    assertThat(KolmogorovSmirnov.kolmogorovSurvival(0.1)).isEqualTo(1);
  }

  @Test
  void twoSampleKsStatistic() {
    KolmogorovSmirnov.Result apart =
        KolmogorovSmirnov.test(new double[] {1, 2, 3}, 3, new double[] {4, 5, 6}, 3);
    assertThat(apart.statistic()).isEqualTo(1.0);
    KolmogorovSmirnov.Result same =
        KolmogorovSmirnov.test(new double[] {3, 1, 2}, 3, new double[] {1, 2, 3}, 3);
    assertThat(same.statistic()).isZero();
    assertThat(same.pValue()).isEqualTo(1.0);
    // ties across the samples do not count as a distance: {1,1,2} vs {1,2,2} differ by 1/3
    assertThat(
            KolmogorovSmirnov.test(new double[] {1, 1, 2}, 3, new double[] {1, 2, 2}, 3)
                .statistic())
        .isCloseTo(1.0 / 3, within(1e-12));
    // only the first n values take part
    assertThat(
            KolmogorovSmirnov.test(new double[] {1, 2, 99}, 2, new double[] {1, 2}, 2).statistic())
        .isZero();
  }

  @Test
  void ksDetectsAShiftOfAQuarterSigmaOnlyInABigSample() {
    SplittableRandom random = new SplittableRandom(7);
    double[] reference = normal(random, 1000, 0);
    double[] small = normal(random, 50, 0.25);
    double[] big = normal(random, 20_000, 0.25);
    double[] same = normal(random, 20_000, 0);
    assertThat(KolmogorovSmirnov.test(small, 50, reference.clone(), 1000).pValue())
        .isGreaterThan(0.001);
    KolmogorovSmirnov.Result shifted =
        KolmogorovSmirnov.test(big, big.length, reference.clone(), 1000);
    assertThat(shifted.pValue()).isLessThan(1e-6);
    assertThat(shifted.statistic()).isCloseTo(0.1, within(0.03));
    assertThat(KolmogorovSmirnov.test(same, same.length, reference.clone(), 1000).pValue())
        .isGreaterThan(0.001);
    assertThat(KolmogorovSmirnov.criticalValue(0.05, 1000, 1000))
        .isCloseTo(1.3580986 * Math.sqrt(2.0 / 1000), within(1e-4));
  }

  @Test
  void mmdSeparatesShiftedSamplesAndNotSameOnes() {
    SplittableRandom random = new SplittableRandom(11);
    double[][] x = points(random, 100, 4, 0);
    double[][] y = points(random, 100, 4, 0);
    double[][] shifted = points(random, 100, 4, 1.0);
    Mmd.Result same = Mmd.test(x, y, 100, 1);
    Mmd.Result apart = Mmd.test(x, shifted, 100, 1);
    assertThat(same.pValue()).isGreaterThan(0.01);
    assertThat(Math.abs(same.statistic())).isLessThan(0.03);
    assertThat(apart.pValue()).isLessThanOrEqualTo(1.0 / 101);
    assertThat(apart.statistic()).isGreaterThan(0.1);
    // deterministic for a seed
    assertThat(Mmd.test(x, shifted, 100, 1)).isEqualTo(apart);
    // the statistic is the unbiased estimate, computed here by brute force
    assertThat(apart.statistic())
        .isCloseTo(bruteForceMmd(x, shifted, apart.bandwidth()), within(1e-9));
  }

  private static double bruteForceMmd(double[][] x, double[][] y, double bandwidth) {
    return meanKernel(x, x, bandwidth, true)
        + meanKernel(y, y, bandwidth, true)
        - 2 * meanKernel(x, y, bandwidth, false);
  }

  private static double meanKernel(double[][] a, double[][] b, double bandwidth, boolean same) {
    double sum = 0;
    long count = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        if (same && i == j) {
          continue;
        }
        double d = 0;
        for (int c = 0; c < a[i].length; c++) {
          d += (a[i][c] - b[j][c]) * (a[i][c] - b[j][c]);
        }
        sum += Math.exp(-d / (2 * bandwidth * bandwidth));
        count++;
      }
    }
    return sum / count;
  }

  @Test
  void histogramKeepsOutOfRangeValuesInTheEdgeBins() {
    double[] counts =
        Distributions.histogram(new double[] {-5, 0, 0.5, 1, 1.5, 2, 9}, 7, new double[] {0, 1, 2});
    assertThat(counts).containsExactly(3, 4);
  }

  private static double[] normal(SplittableRandom random, int n, double mean) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = mean + gaussian(random);
    }
    return out;
  }

  private static double[][] points(SplittableRandom random, int n, int d, double shift) {
    double[][] out = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        out[i][j] = shift + gaussian(random);
      }
    }
    return out;
  }

  static double gaussian(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
