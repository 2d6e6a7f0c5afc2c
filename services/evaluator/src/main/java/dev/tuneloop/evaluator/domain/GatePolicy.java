package dev.tuneloop.evaluator.domain;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The gates one model's candidates must pass (configured per model name, with a default).
 *
 * @param minAccuracy least test accuracy; null: no such gate
 * @param minMacroF1 least test macro-F1; null: no such gate
 * @param maxLogLoss largest test log-loss; null: no such gate
 * @param maxCalibrationError largest expected calibration error; null: no such gate
 * @param improvementMetric the metric that must improve on the champion ({@code accuracy}, {@code
 *     macro_f1} or {@code weighted_f1})
 * @param minImprovement least improvement of {@code improvementMetric} over the champion (may be
 *     negative to tolerate a small loss)
 * @param improvementMode whether {@code minImprovement} is absolute or relative to the champion
 * @param maxClassDrop largest drop of any class's F1 below the champion's
 * @param regressionDelta largest drop below the champion on earlier dataset versions' test splits,
 *     overall (accuracy, macro-F1) and per class (F1)
 * @param regressionVersions how many earlier dataset versions to check (the most recent ones)
 * @param significanceLevel alpha of McNemar's test; also sets the bootstrap interval (1 - alpha)
 * @param requireSignificantImprovement true: the candidate must be significantly better (McNemar p
 *     below alpha and the macro-F1 interval above zero); false: it must only not be significantly
 *     worse
 * @param minSampleSize least number of test examples for a verdict
 * @param bootstrapSamples paired bootstrap resamples
 * @param bootstrapSeed paired bootstrap seed
 * @param noChampion what to do with the first candidate of a model
 */
public record GatePolicy(
    @Nullable Double minAccuracy,
    @Nullable Double minMacroF1,
    @Nullable Double maxLogLoss,
    @Nullable Double maxCalibrationError,
    String improvementMetric,
    double minImprovement,
    ImprovementMode improvementMode,
    double maxClassDrop,
    double regressionDelta,
    int regressionVersions,
    double significanceLevel,
    boolean requireSignificantImprovement,
    int minSampleSize,
    int bootstrapSamples,
    long bootstrapSeed,
    NoChampionAction noChampion) {

  /** Metrics {@link #improvementMetric} may name. */
  public static final List<String> IMPROVEMENT_METRICS =
      List.of("accuracy", "macro_f1", "weighted_f1");

  /**
   * Whether {@link #minImprovement} is in the metric's units or a share of the champion's value.
   */
  public enum ImprovementMode {
    /** candidate - champion >= minImprovement. */
    ABSOLUTE,
    /** candidate - champion >= minImprovement * champion. */
    RELATIVE
  }

  /** What to do when the model has no champion yet. */
  public enum NoChampionAction {
    /** Pass without any gate but the serving smoke test. */
    PASS,
    /** The absolute thresholds, sample size and smoke test decide. */
    THRESHOLDS,
    /** Fail: the first model needs an operator's forced pass. */
    FAIL
  }

  /** Checks the values, naming the setting that is wrong. */
  public GatePolicy {
    if (!IMPROVEMENT_METRICS.contains(improvementMetric)) {
      throw new IllegalArgumentException(
          "improvement-metric must be one of "
              + IMPROVEMENT_METRICS
              + ", was "
              + improvementMetric);
    }
    fraction(minAccuracy, "min-accuracy");
    fraction(minMacroF1, "min-macro-f1");
    fraction(maxCalibrationError, "max-calibration-error");
    if (maxLogLoss != null && !(maxLogLoss > 0)) {
      throw new IllegalArgumentException("max-log-loss must be positive, was " + maxLogLoss);
    }
    if (!(maxClassDrop >= 0 && maxClassDrop <= 1)) {
      throw new IllegalArgumentException("max-class-drop must be in [0, 1], was " + maxClassDrop);
    }
    if (!(regressionDelta >= 0 && regressionDelta <= 1)) {
      throw new IllegalArgumentException(
          "regression-delta must be in [0, 1], was " + regressionDelta);
    }
    if (regressionVersions < 0) {
      throw new IllegalArgumentException("regression-versions must not be negative");
    }
    if (!(significanceLevel > 0 && significanceLevel < 0.5)) {
      throw new IllegalArgumentException(
          "significance-level must be in (0, 0.5), was " + significanceLevel);
    }
    if (minSampleSize < 1) {
      throw new IllegalArgumentException("min-sample-size must be at least 1");
    }
    if (bootstrapSamples < 100) {
      throw new IllegalArgumentException("bootstrap-samples must be at least 100");
    }
    if (improvementMode == null || noChampion == null) {
      throw new IllegalArgumentException("improvement-mode and no-champion must be set");
    }
  }

  private static void fraction(@Nullable Double value, String name) {
    if (value != null && !(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], was " + value);
    }
  }
}
