package dev.tuneloop.ml.train;

import dev.tuneloop.ml.metrics.ClassificationMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of a fine-tuning run.
 *
 * @param strategy the strategy used
 * @param modelDirectory the folder holding the fine-tuned model
 * @param files the files written there
 * @param steps optimizer updates done
 * @param epochs epochs done (fractional if stopped by maxSteps)
 * @param stoppedEarly whether early stopping ended the run
 * @param bestEpoch the epoch whose weights were kept (1-based; 0 if there was no validation)
 * @param finalTrainLoss mean training loss of the last epoch's updates
 * @param validation metrics of the kept weights on the validation set, or null without one
 * @param test metrics on the test set, or null without one
 * @param trainableParameters parameters the optimizer updated
 * @param totalParameters all parameters of encoder, adapters and head
 * @param resumedFromStep the checkpoint step the run resumed from (0: fresh start)
 * @param wallTime duration of {@code run}, loading and evaluation included
 * @param trainSamplesPerSecond training throughput (forward + backward + update)
 */
public record FineTuneResult(
    Strategy strategy,
    Path modelDirectory,
    List<String> files,
    int steps,
    double epochs,
    boolean stoppedEarly,
    int bestEpoch,
    double finalTrainLoss,
    ClassificationMetrics validation,
    ClassificationMetrics test,
    long trainableParameters,
    long totalParameters,
    int resumedFromStep,
    Duration wallTime,
    double trainSamplesPerSecond) {

  /** Share of parameters that were trained, in [0, 1]. */
  public double trainableShare() {
    return totalParameters == 0 ? 0 : (double) trainableParameters / totalParameters;
  }
}
