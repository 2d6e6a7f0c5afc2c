package dev.tuneloop.monitor.domain.stats;

/**
 * Jensen-Shannon divergence of two discrete distributions, in bits (base-2 logarithm), so it lies
 * in [0, 1]; its square root is a metric (the Jensen-Shannon distance).
 */
public final class JensenShannon {

  private JensenShannon() {}

  /** Divergence of two count vectors over the same categories (normalised here, not smoothed). */
  public static double divergence(double[] p, double[] q) {
    if (p.length != q.length) {
      throw new IllegalArgumentException("categories differ: " + p.length + " vs " + q.length);
    }
    double[] a = Distributions.smoothedShares(p, 0);
    double[] b = Distributions.smoothedShares(q, 0);
    double js = 0;
    for (int i = 0; i < a.length; i++) {
      double m = (a[i] + b[i]) / 2;
      js += term(a[i], m) + term(b[i], m);
    }
    return Math.max(0, Math.min(1, js / 2 / Math.log(2)));
  }

  /** The Jensen-Shannon distance: the square root of {@link #divergence}. */
  public static double distance(double[] p, double[] q) {
    return Math.sqrt(divergence(p, q));
  }

  private static double term(double x, double m) {
    return x > 0 ? x * Math.log(x / m) : 0;
  }
}
