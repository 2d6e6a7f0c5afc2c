package dev.tuneloop.monitor.domain;

import dev.tuneloop.events.DriftDetected.Severity;

/**
 * When a drift test raises an alarm. A test runs only on a window of at least {@link #minSamples()}
 * predictions; it alarms only when its result is significant ({@code p < alpha}) AND its effect is
 * at least the low threshold, so a tiny window never alarms and a huge window does not alarm on a
 * negligible (if significant) effect. The effect size sets the severity.
 *
 * @param minSamples fewest predictions in a window before any test runs
 * @param alpha significance level of every test (after a Bonferroni correction where a test covers
 *     several features)
 * @param psi PSI thresholds (predicted label, embedding projections)
 * @param jensenShannon Jensen-Shannon divergence (bits) thresholds (predicted label)
 * @param ks Kolmogorov-Smirnov {@code D} thresholds (confidence, text length, token count)
 * @param mmd MMD squared thresholds (embedding projections)
 * @param mmdSampleSize points per side of the MMD test
 * @param mmdPermutations permutations of the MMD test
 */
public record DriftSettings(
    int minSamples,
    double alpha,
    Thresholds psi,
    Thresholds jensenShannon,
    Thresholds ks,
    Thresholds mmd,
    int mmdSampleSize,
    int mmdPermutations) {

  /** The defaults documented in the README. */
  public static final DriftSettings DEFAULT =
      new DriftSettings(
          300,
          0.001,
          new Thresholds(0.1, 0.25, 0.5),
          new Thresholds(0.02, 0.05, 0.1),
          new Thresholds(0.1, 0.2, 0.3),
          new Thresholds(0.02, 0.05, 0.1),
          100,
          100);

  /** Checks the ranges. */
  public DriftSettings {
    if (minSamples < 2) {
      throw new IllegalArgumentException("minSamples must be at least 2, was " + minSamples);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
    }
    if (mmdSampleSize < 2 || mmdPermutations < 1) {
      throw new IllegalArgumentException("mmd sample size >= 2 and permutations >= 1 needed");
    }
  }

  /**
   * Effect-size thresholds of one statistic, increasing.
   *
   * @param low alarm threshold (severity low)
   * @param medium severity medium from here
   * @param high severity high from here
   */
  public record Thresholds(double low, double medium, double high) {

    /** Checks the order. */
    public Thresholds {
      if (!(low > 0 && low <= medium && medium <= high)) {
        throw new IllegalArgumentException(
            "thresholds must be 0 < low <= medium <= high, were "
                + low
                + ", "
                + medium
                + ", "
                + high);
      }
    }

    /** The severity of an effect at or above {@link #low()}. */
    public Severity severityOf(double effect) {
      if (effect >= high) {
        return Severity.HIGH;
      }
      return effect >= medium ? Severity.MEDIUM : Severity.LOW;
    }
  }
}
