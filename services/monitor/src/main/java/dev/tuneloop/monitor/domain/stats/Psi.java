package dev.tuneloop.monitor.domain.stats;

/**
 * Population stability index between a reference and a current distribution over the same bins:
 * {@code sum (a_i - e_i) * ln(a_i / e_i)}, with every share smoothed by {@code epsilon} so an empty
 * bin does not make it infinite.
 *
 * <p>Rules of thumb for its size: below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a
 * major shift.
 */
public final class Psi {

  /** Default smoothing added to every share before the logarithm. */
  public static final double DEFAULT_EPSILON = 1e-4;

  private Psi() {}

  /** PSI of two count vectors (normalised here), smoothed by {@link #DEFAULT_EPSILON}. */
  public static double ofCounts(double[] expected, double[] actual) {
    return ofCounts(expected, actual, DEFAULT_EPSILON);
  }

  /** PSI of two count vectors (normalised here), each share smoothed by {@code epsilon}. */
  public static double ofCounts(double[] expected, double[] actual, double epsilon) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException(
          "bins differ: " + expected.length + " expected, " + actual.length + " actual");
    }
    double[] e = Distributions.smoothedShares(expected, epsilon);
    double[] a = Distributions.smoothedShares(actual, epsilon);
    double psi = 0;
    for (int i = 0; i < e.length; i++) {
      psi += (a[i] - e[i]) * Math.log(a[i] / e[i]);
    }
    return psi;
  }

  /**
   * Approximate p-value of a PSI under "same distribution": for multinomial samples of sizes {@code
   * n} and {@code m}, {@code PSI / (1/n + 1/m)} is approximately chi-square with {@code bins - 1}
   * degrees of freedom (PSI is the symmetrised Kullback-Leibler divergence, whose second order term
   * is the chi-square distance).
   *
   * @param referenceSize the reference sample size; {@code <= 0} treats the reference as exact
   */
  public static double pValue(double psi, int bins, long sampleSize, long referenceSize) {
    if (bins < 2 || sampleSize <= 0) {
      return 1.0;
    }
    double scale = 1.0 / sampleSize + (referenceSize > 0 ? 1.0 / referenceSize : 0.0);
    return ChiSquare.survival(psi / scale, bins - 1);
  }
}
