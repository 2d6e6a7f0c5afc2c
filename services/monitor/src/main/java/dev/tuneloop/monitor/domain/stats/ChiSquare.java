package dev.tuneloop.monitor.domain.stats;

/** The chi-square distribution's upper tail, through the regularised incomplete gamma function. */
public final class ChiSquare {

  private static final int MAX_ITERATIONS = 500;
  private static final double EPS = 1e-14;
  private static final double TINY = 1e-300;

  private ChiSquare() {}

  /** {@code P(X >= x)} for {@code X ~ chi-square(df)}. */
  public static double survival(double x, int df) {
    if (df < 1) {
      throw new IllegalArgumentException("df must be at least 1, was " + df);
    }
    if (!(x > 0)) {
      return 1.0;
    }
    return upperRegularizedGamma(df / 2.0, x / 2.0);
  }

  /** The {@code x} with {@code survival(x, df) = p} (bisection; accurate to about 1e-9). */
  public static double inverseSurvival(double p, int df) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1), was " + p);
    }
    double lo = 0;
    double hi = Math.max(1, df);
    while (survival(hi, df) > p) {
      hi *= 2;
    }
    for (int i = 0; i < 100 && hi - lo > 1e-9 * hi; i++) {
      double mid = (lo + hi) / 2;
      if (survival(mid, df) > p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }

  /** Regularised upper incomplete gamma {@code Q(a, x) = Gamma(a, x) / Gamma(a)}. */
  static double upperRegularizedGamma(double a, double x) {
    if (x < a + 1) {
      return Math.max(0, 1.0 - lowerSeries(a, x));
    }
    return Math.min(1, upperContinuedFraction(a, x));
  }

  private static double lowerSeries(double a, double x) {
    double sum = 1.0 / a;
    double term = sum;
    for (int n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) {
        break;
      }
    }
    return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }

  // Lentz's method for the continued fraction of Gamma(a, x).
  private static double upperContinuedFraction(double a, double x) {
    double b = x + 1 - a;
    double c = 1 / TINY;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < TINY) {
        d = TINY;
      }
      c = b + an / c;
      if (Math.abs(c) < TINY) {
        c = TINY;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPS) {
        break;
      }
    }
    return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }

  /** {@code ln Gamma(x)} for {@code x > 0} (Lanczos approximation, g = 7, n = 9). */
  static double logGamma(double x) {
    if (x < 0.5) {
      // reflection formula
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    double[] g = {
      0.99999999999980993,
      676.5203681218851,
      -1259.1392167224028,
      771.32342877765313,
      -176.61502916214059,
      12.507343278686905,
      -0.13857109526572012,
      9.9843695780195716e-6,
      1.5056327351493116e-7
    };
    double z = x - 1;
    double sum = g[0];
    for (int i = 1; i < g.length; i++) {
      sum += g[i] / (z + i);
    }
    double t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
