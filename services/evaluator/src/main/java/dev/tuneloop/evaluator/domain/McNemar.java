package dev.tuneloop.evaluator.domain;

/**
 * McNemar's test for two classifiers scored on the same examples: do they make different numbers of
 * mistakes? Only the discordant pairs count: {@code b} examples only the candidate gets right,
 * {@code c} examples only the champion gets right. Under the null hypothesis each discordant pair
 * is a fair coin flip.
 *
 * <p>With fewer than {@link #EXACT_BELOW} discordant pairs the exact two-sided binomial test is
 * used; otherwise the chi-squared statistic with Edwards' continuity correction, {@code (|b - c| -
 * 1)^2 / (b + c)}, on one degree of freedom.
 */
public final class McNemar {

  /** Discordant-pair count below which the exact binomial test is used. */
  public static final int EXACT_BELOW = 25;

  private McNemar() {}

  /** How the p-value was computed. */
  public enum Method {
    /** Two-sided exact binomial test on the discordant pairs. */
    EXACT_BINOMIAL,
    /** Chi-squared on one degree of freedom with continuity correction. */
    CHI_SQUARED_CONTINUITY
  }

  /**
   * The outcome.
   *
   * @param candidateOnlyCorrect {@code b}: examples the candidate gets right and the champion wrong
   * @param championOnlyCorrect {@code c}: examples the champion gets right and the candidate wrong
   * @param statistic the chi-squared statistic (also reported for the exact test)
   * @param pValue two-sided p-value
   * @param method how {@code pValue} was computed
   */
  public record Result(
      long candidateOnlyCorrect,
      long championOnlyCorrect,
      double statistic,
      double pValue,
      Method method) {}

  /** The test on predictions of both models for the same examples. */
  public static Result test(int[] truth, int[] candidate, int[] champion) {
    if (truth.length != candidate.length || truth.length != champion.length) {
      throw new IllegalArgumentException(
          "paired test needs predictions for the same examples: "
              + truth.length
              + " labels, "
              + candidate.length
              + " and "
              + champion.length
              + " predictions");
    }
    long b = 0;
    long c = 0;
    for (int i = 0; i < truth.length; i++) {
      boolean candidateRight = candidate[i] == truth[i];
      boolean championRight = champion[i] == truth[i];
      if (candidateRight && !championRight) {
        b++;
      } else if (championRight && !candidateRight) {
        c++;
      }
    }
    return fromCounts(b, c);
  }

  /** The test on the discordant counts. */
  public static Result fromCounts(long b, long c) {
    if (b < 0 || c < 0) {
      throw new IllegalArgumentException("counts must not be negative: b=" + b + ", c=" + c);
    }
    long n = b + c;
    double statistic = n == 0 ? 0 : Math.pow(Math.max(0, Math.abs(b - c) - 1), 2) / n;
    if (n < EXACT_BELOW) {
      return new Result(b, c, statistic, exactPValue(b, c), Method.EXACT_BINOMIAL);
    }
    return new Result(
        b, c, statistic, chiSquaredOneDofSurvival(statistic), Method.CHI_SQUARED_CONTINUITY);
  }

  /** Two-sided exact binomial p-value: {@code min(1, 2 P(X <= min(b, c)))}, X ~ Bin(b+c, 1/2). */
  static double exactPValue(long b, long c) {
    long n = b + c;
    if (n == 0) {
      return 1.0;
    }
    long k = Math.min(b, c);
    // Sum in log space: C(n, i) 2^-n underflows for large n.
    double logHalfN = n * Math.log(0.5);
    double logC = 0; // log C(n, 0)
    double sum = 0;
    for (long i = 0; i <= k; i++) {
      sum += Math.exp(logC + logHalfN);
      logC += Math.log(n - i) - Math.log(i + 1);
    }
    return Math.min(1.0, 2 * sum);
  }

  /** P(X > x) for X chi-squared with one degree of freedom: {@code erfc(sqrt(x / 2))}. */
  static double chiSquaredOneDofSurvival(double x) {
    if (x <= 0) {
      return 1.0;
    }
    return Math.min(1.0, erfc(Math.sqrt(x / 2)));
  }

  /**
   * The complementary error function for {@code z >= 0}: a positive-term series of erf below 3 and
   * the continued fraction of erfc above (both accurate to about 1e-14).
   */
  static double erfc(double z) {
    if (z < 0) {
      return 2 - erfc(-z);
    }
    if (z < 3) {
      // erf(z) = 2/sqrt(pi) exp(-z^2) sum_n (2^n z^(2n+1)) / (1*3*...*(2n+1))
      double term = z;
      double sum = z;
      for (int n = 1; n < 200 && term > sum * 1e-17; n++) {
        term *= 2 * z * z / (2 * n + 1);
        sum += term;
      }
      return 1 - 2 / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
    }
    // erfc(z) = exp(-z^2)/sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...))))
    double f = z;
    for (int k = 80; k >= 1; k--) {
      f = z + (k / 2.0) / f;
    }
    return Math.exp(-z * z) / (Math.sqrt(Math.PI) * f);
  }
}
