package dev.tuneloop.serving.domain;

import java.time.Duration;

/**
 * How each model version's {@link DynamicBatcher} batches.
 *
 * @param maxBatchSize most texts per forward pass
 * @param maxWait longest a request waits for others to join its batch
 * @param maxQueue most requests waiting per model version; more get 503
 * @param workers forward passes of one model version that may run at the same time
 */
public record BatchingSettings(int maxBatchSize, Duration maxWait, int maxQueue, int workers) {

  /** Checks the values. */
  public BatchingSettings {
    if (maxBatchSize < 1 || maxQueue < 1 || workers < 1 || maxWait.isNegative()) {
      throw new IllegalArgumentException(
          "max batch size, queue and workers must be positive and max wait not negative");
    }
  }
}
