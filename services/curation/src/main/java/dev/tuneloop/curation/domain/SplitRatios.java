package dev.tuneloop.curation.domain;

/**
 * Target shares of the splits; they sum to 1.
 *
 * @param train share of the training split
 * @param validation share of the validation split
 * @param test share of the test split
 */
public record SplitRatios(double train, double validation, double test) {

  /** 80/10/10. */
  public static final SplitRatios DEFAULT = new SplitRatios(0.8, 0.1, 0.1);

  /** Checks the shares are non-negative and sum to 1. */
  public SplitRatios {
    if (train < 0 || validation < 0 || test < 0 || Math.abs(train + validation + test - 1) > 1e-9) {
      throw new IllegalArgumentException(
          "split ratios must be non-negative and sum to 1, got "
              + train
              + "/"
              + validation
              + "/"
              + test);
    }
  }

  /** The share of {@code split}. */
  public double of(Split split) {
    return switch (split) {
      case TRAIN -> train;
      case VALIDATION -> validation;
      case TEST -> test;
    };
  }
}
