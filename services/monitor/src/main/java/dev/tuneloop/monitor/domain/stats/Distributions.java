package dev.tuneloop.monitor.domain.stats;

import java.util.Arrays;

/** Small helpers for discrete distributions and histograms. */
public final class Distributions {

  private Distributions() {}

  /**
   * Shares of {@code counts}, each plus {@code epsilon} and renormalised to sum to 1; uniform when
   * every count is zero.
   */
  public static double[] smoothedShares(double[] counts, double epsilon) {
    double total = 0;
    for (double c : counts) {
      if (c < 0 || !Double.isFinite(c)) {
        throw new IllegalArgumentException("counts must be finite and not negative, was " + c);
      }
      total += c;
    }
    double[] shares = new double[counts.length];
    double sum = 0;
    for (int i = 0; i < counts.length; i++) {
      shares[i] = (total > 0 ? counts[i] / total : 1.0 / counts.length) + epsilon;
      sum += shares[i];
    }
    for (int i = 0; i < shares.length; i++) {
      shares[i] /= sum;
    }
    return shares;
  }

  /**
   * Counts of {@code values} in the bins given by {@code edges} ({@code edges.length - 1} bins,
   * each {@code [edge_i, edge_i+1)}; the last bin also takes its upper edge). Values below the
   * first edge count in the first bin and values above the last in the last bin, so nothing is lost
   * when live traffic leaves the reference range.
   */
  public static double[] histogram(double[] values, int size, double[] edges) {
    int bins = edges.length - 1;
    if (bins < 1) {
      throw new IllegalArgumentException("need at least two bin edges, got " + edges.length);
    }
    double[] counts = new double[bins];
    for (int i = 0; i < size; i++) {
      counts[bin(values[i], edges)]++;
    }
    return counts;
  }

  /** The bin of {@code value} for {@link #histogram}. */
  public static int bin(double value, double[] edges) {
    int bins = edges.length - 1;
    int pos = Arrays.binarySearch(edges, value);
    int bin = pos >= 0 ? pos : -pos - 2;
    return Math.max(0, Math.min(bins - 1, bin));
  }
}
