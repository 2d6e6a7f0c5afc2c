package dev.tuneloop.ml.train;

import dev.tuneloop.ml.metrics.ClassificationMetrics;
import java.nio.file.Path;

/**
 * Receives progress from a fine-tuning run; the trainer service turns it into status events and
 * MLflow metrics. Called on the training thread: keep it fast and do not call back into the run.
 */
public interface TrainingListener {

  /** A listener that ignores everything. */
  TrainingListener NONE = new TrainingListener() {};

  /** After every optimizer update. */
  default void onProgress(TrainingProgress progress) {}

  /** After each evaluation on the validation set (at the end of every epoch). */
  default void onEvaluation(int epoch, int step, ClassificationMetrics validation) {}

  /** After a checkpoint has been written completely. */
  default void onCheckpoint(int step, Path directory) {}

  /**
   * Polled between forward passes; returning true stops the run with a {@link
   * TrainingCancelledException} (after writing a checkpoint if checkpoints are enabled).
   */
  default boolean cancelRequested() {
    return false;
  }
}
