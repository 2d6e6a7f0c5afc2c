package dev.tuneloop.monitor.domain.stats;

import java.util.Arrays;

/**
 * Two-sample Kolmogorov-Smirnov test: the largest distance between the two empirical distribution
 * functions, with its p-value from the asymptotic Kolmogorov distribution (with Stephens' small
 * sample correction of the argument).
 */
public final class KolmogorovSmirnov {

  /**
   * A test outcome.
   *
   * @param statistic the largest distance {@code D} between the two empirical CDFs, in [0, 1]
   * @param pValue the probability of a {@code D} at least this large when both samples come from
   *     one continuous distribution
   */
  public record Result(double statistic, double pValue) {}

  private KolmogorovSmirnov() {}

  /**
   * Tests the first {@code n} values of {@code a} against the first {@code m} of {@code b}. The
   * arrays are sorted in place (their first {@code n} / {@code m} values).
   */
  public static Result test(double[] a, int n, double[] b, int m) {
    if (n <= 0 || m <= 0) {
      throw new IllegalArgumentException("both samples need values, got " + n + " and " + m);
    }
    Arrays.sort(a, 0, n);
    Arrays.sort(b, 0, m);
    double d = statisticOfSorted(a, n, b, m);
    return new Result(d, pValue(d, n, m));
  }

  /**
   * Like {@link #test} for a {@code reference} that is already sorted (and is left untouched); the
   * first {@code n} values of {@code a} are sorted in place.
   */
  public static Result testAgainstSorted(double[] a, int n, double[] reference) {
    if (n <= 0 || reference.length == 0) {
      throw new IllegalArgumentException("both samples need values");
    }
    Arrays.sort(a, 0, n);
    double d = statisticOfSorted(a, n, reference, reference.length);
    return new Result(d, pValue(d, n, reference.length));
  }

  /** The {@code D} above which a test at level {@code alpha} rejects, for sizes n and m. */
  public static double criticalValue(double alpha, long n, long m) {
    return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((double) (n + m) / ((double) n * m));
  }

  /** {@code D} of two sorted samples. */
  static double statisticOfSorted(double[] a, int n, double[] b, int m) {
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < n && j < m) {
      double x = Math.min(a[i], b[j]);
      // step over every value equal to x in both samples, so ties do not inflate D
      while (i < n && a[i] <= x) {
        i++;
      }
      while (j < m && b[j] <= x) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / n - (double) j / m));
    }
    return d;
  }

  /** Asymptotic p-value of {@code D} for sample sizes {@code n} and {@code m}. */
  public static double pValue(double d, long n, long m) {
    double effective = (double) n * m / (n + m);
    double sqrt = Math.sqrt(effective);
    return kolmogorovSurvival((sqrt + 0.12 + 0.11 / sqrt) * d);
  }

  /**
   * {@code P(K > lambda)} for the Kolmogorov distribution: {@code 2 sum_{j>=1} (-1)^(j-1) exp(-2
   * j^2 lambda^2)}.
   */
  public static double kolmogorovSurvival(double lambda) {
    if (lambda < 0.2) {
      // the alternating series converges badly here; the value is 1 to 1e-16
      return 1.0;
    }
    double sum = 0;
    double sign = 1;
    for (int j = 1; j <= 100; j++) {
      double term = sign * Math.exp(-2.0 * j * j * lambda * lambda);
      sum += term;
      if (Math.abs(term) < 1e-16) {
        break;
      }
      sign = -sign;
    }
    return Math.max(0, Math.min(1, 2 * sum));
  }
}
