package dev.tuneloop.registry.domain;

import java.util.Map;
import java.util.TreeSet;

/** The few statistical tests the rollout judge needs, in plain Java. */
public final class Statistics {

  private Statistics() {}

  /**
   * Standard normal cumulative distribution (Abramowitz-Stegun 7.1.26 on erf, |error| < 1.5e-7).
   */
  public static double normalCdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erf =
        1
            - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                    + 0.254829592)
                * t
                * Math.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }

  /**
   * One-sided two-proportion z-test that proportion a is lower than proportion b (pooled standard
   * error).
   *
   * @return the p-value; 1 when the test is undefined (no data, or both proportions 0 or 1)
   */
  public static double pValueLower(long successesA, long trialsA, long successesB, long trialsB) {
    if (trialsA == 0 || trialsB == 0) {
      return 1;
    }
    double pa = (double) successesA / trialsA;
    double pb = (double) successesB / trialsB;
    double pooled = (double) (successesA + successesB) / (trialsA + trialsB);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / trialsA + 1.0 / trialsB));
    if (se == 0) {
      return 1;
    }
    return normalCdf((pa - pb) / se);
  }

  /** Jensen-Shannon divergence in bits (0 = same distribution, 1 = disjoint) of two count maps. */
  public static double jensenShannon(Map<String, Long> a, Map<String, Long> b) {
    double totalA = a.values().stream().mapToLong(Long::longValue).sum();
    double totalB = b.values().stream().mapToLong(Long::longValue).sum();
    if (totalA == 0 || totalB == 0) {
      return 0;
    }
    TreeSet<String> labels = new TreeSet<>(a.keySet());
    labels.addAll(b.keySet());
    double divergence = 0;
    for (String label : labels) {
      double p = a.getOrDefault(label, 0L) / totalA;
      double q = b.getOrDefault(label, 0L) / totalB;
      double m = (p + q) / 2;
      if (p > 0) {
        divergence += 0.5 * p * log2(p / m);
      }
      if (q > 0) {
        divergence += 0.5 * q * log2(q / m);
      }
    }
    return Math.max(0, Math.min(1, divergence));
  }

  /**
   * Chi-square test of homogeneity of two count maps (a 2 x k table).
   *
   * @return the p-value that both come from the same distribution; 1 when undefined
   */
  public static double chiSquareHomogeneity(Map<String, Long> a, Map<String, Long> b) {
    double totalA = a.values().stream().mapToLong(Long::longValue).sum();
    double totalB = b.values().stream().mapToLong(Long::longValue).sum();
    TreeSet<String> labels = new TreeSet<>(a.keySet());
    labels.addAll(b.keySet());
    labels.removeIf(l -> a.getOrDefault(l, 0L) + b.getOrDefault(l, 0L) == 0);
    if (totalA == 0 || totalB == 0 || labels.size() < 2) {
      return 1;
    }
    double total = totalA + totalB;
    double chi = 0;
    for (String label : labels) {
      double column = a.getOrDefault(label, 0L) + b.getOrDefault(label, 0L);
      double expectedA = totalA * column / total;
      double expectedB = totalB * column / total;
      chi += square(a.getOrDefault(label, 0L) - expectedA) / expectedA;
      chi += square(b.getOrDefault(label, 0L) - expectedB) / expectedB;
    }
    return chiSquareSurvival(chi, labels.size() - 1);
  }

  /** P(X >= x) for a chi-square variable with {@code df} degrees of freedom. */
  public static double chiSquareSurvival(double x, int df) {
    if (x <= 0) {
      return 1;
    }
    return 1 - regularizedGammaP(df / 2.0, x / 2.0);
  }

  /**
   * Lower regularized incomplete gamma P(s, x) (series or continued fraction, Numerical Recipes).
   */
  static double regularizedGammaP(double s, double x) {
    if (x < s + 1) {
      double sum = 1 / s;
      double term = sum;
      for (int n = 1; n < 500; n++) {
        term *= x / (s + n);
        sum += term;
        if (Math.abs(term) < Math.abs(sum) * 1e-15) {
          break;
        }
      }
      return sum * Math.exp(-x + s * Math.log(x) - logGamma(s));
    }
    // Lentz's continued fraction for Q(s, x).
    double b = x + 1 - s;
    double c = 1 / 1e-300;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 500; i++) {
      double an = -i * (i - s);
      b += 2;
      d = an * d + b;
      d = Math.abs(d) < 1e-300 ? 1e-300 : d;
      c = b + an / c;
      c = Math.abs(c) < 1e-300 ? 1e-300 : c;
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-15) {
        break;
      }
    }
    return 1 - Math.exp(-x + s * Math.log(x) - logGamma(s)) * h;
  }

  /** log Gamma(x) for x > 0 (Lanczos, g = 7). */
  static double logGamma(double x) {
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
    if (x < 0.5) {
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    }
    x -= 1;
    double a = g[0];
    double t = x + 7.5;
    for (int i = 1; i < 9; i++) {
      a += g[i] / (x + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  private static double square(double v) {
    return v * v;
  }
}
