package dev.tuneloop.evaluator.domain;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Paired bootstrap of the macro-F1 difference (candidate minus champion): the examples are
 * resampled with replacement, both models are scored on the same resample, and the percentile
 * interval of the differences is the confidence interval. Seeded, so a verdict can be reproduced.
 */
public final class PairedBootstrap {

  private PairedBootstrap() {}

  /**
   * The outcome.
   *
   * @param observedDelta macro-F1 of the candidate minus the champion's on all examples
   * @param lower lower end of the percentile interval
   * @param upper upper end of the percentile interval
   * @param confidence the interval's confidence level, e.g. 0.95
   * @param samples bootstrap resamples drawn
   * @param seed the random seed
   * @param pValue two-sided bootstrap p-value of "no difference": twice the smaller share of
   *     resampled differences on either side of zero (at most 1)
   */
  public record Result(
      double observedDelta,
      double lower,
      double upper,
      double confidence,
      int samples,
      long seed,
      double pValue) {}

  /**
   * Runs the bootstrap.
   *
   * @param numLabels number of labels (macro-F1 averages over all of them)
   * @param truth true label index per example
   * @param candidate the candidate's predicted index per example
   * @param champion the champion's predicted index per example
   * @param samples resamples to draw (at least 100)
   * @param confidence interval level in (0, 1)
   * @param seed random seed
   */
  public static Result macroF1Difference(
      int numLabels,
      int[] truth,
      int[] candidate,
      int[] champion,
      int samples,
      double confidence,
      long seed) {
    int n = truth.length;
    if (n == 0 || candidate.length != n || champion.length != n) {
      throw new IllegalArgumentException(
          "paired bootstrap needs predictions of both models for the same, non-empty examples");
    }
    if (samples < 100) {
      throw new IllegalArgumentException("bootstrap needs at least 100 samples, was " + samples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
    }
    double observed =
        macroF1(numLabels, truth, candidate, null) - macroF1(numLabels, truth, champion, null);
    SplittableRandom random = new SplittableRandom(seed);
    double[] deltas = new double[samples];
    int[] index = new int[n];
    long below = 0;
    long above = 0;
    for (int s = 0; s < samples; s++) {
      for (int i = 0; i < n; i++) {
        index[i] = random.nextInt(n);
      }
      double d =
          macroF1(numLabels, truth, candidate, index) - macroF1(numLabels, truth, champion, index);
      deltas[s] = d;
      if (d <= 0) {
        below++;
      }
      if (d >= 0) {
        above++;
      }
    }
    Arrays.sort(deltas);
    double alpha = 1 - confidence;
    double p = Math.min(1.0, 2.0 * Math.min(below, above) / samples);
    return new Result(
        observed,
        quantile(deltas, alpha / 2),
        quantile(deltas, 1 - alpha / 2),
        confidence,
        samples,
        seed,
        p);
  }

  /** Nearest-rank quantile of sorted values. */
  static double quantile(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /**
   * Macro-F1 over all labels (a label never true nor predicted counts as F1 0, as in {@code
   * ClassificationMetrics}) of the examples {@code index} names, or of all examples when it is
   * null.
   */
  static double macroF1(int numLabels, int[] truth, int[] predicted, int[] index) {
    long[] tp = new long[numLabels];
    long[] support = new long[numLabels];
    long[] predictedCount = new long[numLabels];
    int n = index == null ? truth.length : index.length;
    for (int j = 0; j < n; j++) {
      int i = index == null ? j : index[j];
      support[truth[i]]++;
      predictedCount[predicted[i]]++;
      if (truth[i] == predicted[i]) {
        tp[truth[i]]++;
      }
    }
    double sum = 0;
    for (int c = 0; c < numLabels; c++) {
      double precision = predictedCount[c] == 0 ? 0 : (double) tp[c] / predictedCount[c];
      double recall = support[c] == 0 ? 0 : (double) tp[c] / support[c];
      sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
    return sum / numLabels;
  }
}
