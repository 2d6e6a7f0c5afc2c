package dev.tuneloop.ml.train;

import java.util.Set;

/**
 * Stops training when the validation metric has not improved for {@code patience} evaluations (one
 * per epoch), and then restores the weights of the best evaluation. When off, training runs all its
 * epochs and keeps the final weights.
 *
 * @param patience evaluations without improvement before stopping; 0 turns early stopping off
 * @param metric {@code macro_f1}, {@code accuracy}, {@code micro_f1}, {@code weighted_f1} (higher
 *     is better) or {@code log_loss} (lower is better)
 * @param minDelta smallest change that counts as an improvement
 */
public record EarlyStopping(int patience, String metric, double minDelta) {

  private static final Set<String> METRICS =
      Set.of("macro_f1", "accuracy", "micro_f1", "weighted_f1", "log_loss");

  /** Validates the values. */
  public EarlyStopping {
    if (patience < 0) {
      throw new IllegalArgumentException("early-stopping patience must be >= 0, was " + patience);
    }
    metric = metric == null ? "macro_f1" : metric;
    if (!METRICS.contains(metric)) {
      throw new IllegalArgumentException(
          "early-stopping metric must be one of " + METRICS + ", was '" + metric + "'");
    }
    if (minDelta < 0) {
      throw new IllegalArgumentException("minDelta must be >= 0");
    }
  }

  /** Early stopping off. */
  public static EarlyStopping off() {
    return new EarlyStopping(0, "macro_f1", 0);
  }

  /** Whether stopping early is enabled. */
  public boolean enabled() {
    return patience > 0;
  }

  /** Whether larger values of the metric are better. */
  public boolean higherIsBetter() {
    return !metric.equals("log_loss");
  }

  /** Whether {@code candidate} improves on {@code best} (NaN best: anything improves). */
  public boolean improves(double candidate, double best) {
    if (Double.isNaN(best)) {
      return true;
    }
    return higherIsBetter() ? candidate > best + minDelta : candidate < best - minDelta;
  }
}
