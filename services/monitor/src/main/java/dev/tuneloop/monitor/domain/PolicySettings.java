package dev.tuneloop.monitor.domain;

import dev.tuneloop.events.DriftDetected.Severity;
import dev.tuneloop.events.TrainingStrategy;
import java.time.Duration;
import java.util.function.Function;

/**
 * The retraining policy's rules.
 *
 * @param minNewTrainingRecords request training when a dataset version has at least this many
 *     training records more than the one last trained on
 * @param driftSeverity request training on drift at or above this severity
 * @param cooldown no new request for a model within this time of its last one
 * @param openJobTimeout a job without an end this long after it was requested no longer blocks new
 *     ones (a lost trainer must not stop retraining forever)
 * @param modelForDataset the model trained on a dataset
 * @param baseModel the base model of a model's training requests
 * @param strategy the fine-tuning strategy of a model's training requests
 */
public record PolicySettings(
    long minNewTrainingRecords,
    Severity driftSeverity,
    Duration cooldown,
    Duration openJobTimeout,
    Function<String, String> modelForDataset,
    Function<String, String> baseModel,
    Function<String, TrainingStrategy> strategy) {

  /** Checks the ranges. */
  public PolicySettings {
    if (minNewTrainingRecords < 1) {
      throw new IllegalArgumentException("minNewTrainingRecords must be positive");
    }
    if (cooldown.isNegative() || openJobTimeout.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
  }
}
