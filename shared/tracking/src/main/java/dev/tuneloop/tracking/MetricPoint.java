package dev.tuneloop.tracking;

import java.util.Objects;

/**
 * One value of a metric.
 *
 * @param key the metric's name, e.g. {@code train/loss}
 * @param value the value
 * @param timestampMillis when it was measured, in milliseconds since the epoch
 * @param step the training step (or epoch) it belongs to
 */
public record MetricPoint(String key, double value, long timestampMillis, long step) {

  /** Checks the key and timestamp as MLflow would. */
  public MetricPoint {
    MlflowLimits.checkKey("metric", key);
    if (timestampMillis < 0) {
      throw new IllegalArgumentException(
          "metric '" + key + "' has a negative timestamp " + timestampMillis);
    }
  }

  /** A value measured now. */
  public static MetricPoint now(String key, double value, long step) {
    return new MetricPoint(
        Objects.requireNonNull(key, "key"), value, System.currentTimeMillis(), step);
  }
}
