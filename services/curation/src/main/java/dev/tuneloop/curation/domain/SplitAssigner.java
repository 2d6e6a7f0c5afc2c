package dev.tuneloop.curation.domain;

/**
 * Per-label quotas: each new record of a label goes to the split furthest below its target share of
 * that label's records (largest deficit, ties to the earlier split). Fed records in content-hash
 * order, the assignment is deterministic, and after every record each split's count of each label
 * stays within one record of {@code ratio * total}. Existing records are never moved, so a record
 * keeps its split in every later version.
 */
public final class SplitAssigner {

  private final SplitRatios ratios;

  /** An assigner for these target shares. */
  public SplitAssigner(SplitRatios ratios) {
    this.ratios = ratios;
  }

  /**
   * The split for one more record given the label's current counts, which are updated.
   *
   * @param counts records of the label per split, indexed by {@link Split#ordinal()}
   */
  public Split assign(long[] counts) {
    long total = counts[0] + counts[1] + counts[2] + 1;
    Split best = Split.TRAIN;
    double bestDeficit = Double.NEGATIVE_INFINITY;
    for (Split s : Split.values()) {
      double deficit = ratios.of(s) * total - counts[s.ordinal()];
      if (deficit > bestDeficit + 1e-12) {
        best = s;
        bestDeficit = deficit;
      }
    }
    counts[best.ordinal()]++;
    return best;
  }
}
