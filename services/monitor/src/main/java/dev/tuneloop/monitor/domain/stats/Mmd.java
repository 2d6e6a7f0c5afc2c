package dev.tuneloop.monitor.domain.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Maximum mean discrepancy between two multivariate samples with a Gaussian (RBF) kernel whose
 * bandwidth is the median pairwise distance of the pooled sample, and a permutation test for its
 * p-value. Used on the projected embeddings (k numbers per input).
 */
public final class Mmd {

  /**
   * A test outcome.
   *
   * @param statistic the unbiased estimate of MMD squared (may be slightly negative under no drift)
   * @param pValue share of label permutations with a statistic at least as large (with the usual +1
   *     correction)
   * @param bandwidth the kernel bandwidth used
   */
  public record Result(double statistic, double pValue, double bandwidth) {}

  /** Exceedances after which the permutation test stops early. */
  static final int EXCEEDANCES = 5;

  private Mmd() {}

  /**
   * Tests {@code x} against {@code y} (rows are points of equal dimension) with {@code
   * permutations} random relabelings drawn from {@code seed}.
   */
  public static Result test(double[][] x, double[][] y, int permutations, long seed) {
    int n = x.length;
    int m = y.length;
    if (n < 2 || m < 2) {
      throw new IllegalArgumentException("both samples need at least two points");
    }
    int total = n + m;
    double[][] z = new double[total][];
    System.arraycopy(x, 0, z, 0, n);
    System.arraycopy(y, 0, z, n, m);
    // squared distances first (in the kernel matrix), then the kernel in place
    double[][] kernel = new double[total][total];
    for (int i = 0; i < total; i++) {
      double[] a = z[i];
      for (int j = i + 1; j < total; j++) {
        double[] b = z[j];
        double s = 0;
        for (int c = 0; c < a.length; c++) {
          double diff = a[c] - b[c];
          s += diff * diff;
        }
        kernel[i][j] = s;
        kernel[j][i] = s;
      }
    }
    double bandwidth2 = medianOffDiagonal(kernel);
    if (!(bandwidth2 > 0)) {
      bandwidth2 = 1.0;
    }
    double[] rowSums = new double[total];
    for (int i = 0; i < total; i++) {
      double[] row = kernel[i];
      double sum = 0;
      for (int j = 0; j < total; j++) {
        if (j != i) {
          row[j] = Math.exp(-row[j] / (2 * bandwidth2));
          sum += row[j];
        }
      }
      rowSums[i] = sum;
    }
    int[] order = new int[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    double observed = statistic(kernel, rowSums, order, n, m);
    SplittableRandom random = new SplittableRandom(seed);
    int atLeast = 0;
    int done = 0;
    // sequential Monte Carlo p-value (Besag and Clifford 1991): stop once EXCEEDANCES
    // permutations reached the observed value; p is then EXCEEDANCES / permutations done. Windows
    // without drift stop after a few permutations, drifted ones run all of them.
    for (int p = 0; p < permutations && atLeast < EXCEEDANCES; p++) {
      done++;
      for (int i = total - 1; i > 0; i--) {
        int r = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[r];
        order[r] = t;
      }
      if (statistic(kernel, rowSums, order, n, m) >= observed) {
        atLeast++;
      }
    }
    double pValue =
        atLeast >= EXCEEDANCES ? (double) atLeast / done : (atLeast + 1.0) / (permutations + 1.0);
    return new Result(observed, pValue, Math.sqrt(bandwidth2));
  }

  /** The median of the off-diagonal entries (from an even subsample of at most ~5000). */
  private static double medianOffDiagonal(double[][] squared) {
    int total = squared.length;
    long pairs = (long) total * (total - 1) / 2;
    int step = (int) Math.max(1, pairs / 5000);
    double[] sample = new double[(int) (pairs / step) + 1];
    int size = 0;
    long index = 0;
    for (int i = 0; i < total; i++) {
      for (int j = i + 1; j < total; j++, index++) {
        if (index % step == 0 && size < sample.length) {
          sample[size++] = squared[i][j];
        }
      }
    }
    Arrays.sort(sample, 0, size);
    return sample[size / 2];
  }

  /**
   * Unbiased MMD squared when the first {@code n} indices of {@code order} are the X sample and the
   * rest the Y sample: sums over X-X and Y-X blocks, and Y-Y from the row sums.
   */
  private static double statistic(double[][] kernel, double[] rowSums, int[] order, int n, int m) {
    double xx = 0;
    double yx = 0;
    double yRows = 0;
    for (int a = 0; a < n; a++) {
      double[] row = kernel[order[a]];
      double s = 0;
      for (int b = 0; b < n; b++) {
        s += row[order[b]];
      }
      xx += s;
    }
    for (int a = n; a < n + m; a++) {
      int i = order[a];
      double[] row = kernel[i];
      double s = 0;
      for (int b = 0; b < n; b++) {
        s += row[order[b]];
      }
      yx += s;
      yRows += rowSums[i];
    }
    double yy = yRows - yx;
    // diagonals are zero, so xx and yy hold each unordered pair twice
    return xx / ((double) n * (n - 1)) + yy / ((double) m * (m - 1)) - 2 * yx / ((double) n * m);
  }
}
