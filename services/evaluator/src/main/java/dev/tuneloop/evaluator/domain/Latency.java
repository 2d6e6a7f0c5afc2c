package dev.tuneloop.evaluator.domain;

import java.util.Arrays;

/**
 * Wall-clock time of the forward passes over a test split.
 *
 * @param batchSize texts per batch
 * @param batches batches timed
 * @param meanMillisPerBatch mean time per batch
 * @param p95MillisPerBatch 95th percentile (nearest rank) per batch
 * @param millisPerExample total time divided by the number of examples
 */
public record Latency(
    int batchSize,
    int batches,
    double meanMillisPerBatch,
    double p95MillisPerBatch,
    double millisPerExample) {

  /** Summarises per-batch times (nanoseconds) over {@code examples} texts. */
  public static Latency of(int batchSize, long[] batchNanos, int examples) {
    if (batchNanos.length == 0) {
      return new Latency(batchSize, 0, 0, 0, 0);
    }
    long[] sorted = batchNanos.clone();
    Arrays.sort(sorted);
    double total = Arrays.stream(sorted).sum() / 1e6;
    int rank = (int) Math.ceil(0.95 * sorted.length);
    return new Latency(
        batchSize,
        sorted.length,
        total / sorted.length,
        sorted[Math.max(0, rank - 1)] / 1e6,
        total / Math.max(1, examples));
  }
}
