package dev.tuneloop.trainer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.storage.StorageException;
import dev.tuneloop.tracking.TrackingUnavailableException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class FailureClassificationTest {

  @Test
  void storeAndTrackingOutagesGetTheirOwnCodesWithTheClientsMessage() {
    JobFailedException storage =
        TrainingJobRunner.classify(
            new StorageException("put", "tuneloop-models", "m/x", "connection refused", null));
    assertThat(storage.code()).isEqualTo(FailureCodes.STORAGE_UNAVAILABLE);
    assertThat(storage.getMessage()).contains("connection refused").contains("tuneloop-models");

    JobFailedException tracking =
        TrainingJobRunner.classify(
            new TrackingUnavailableException("MLflow at http://x:5000 did not answer", 5, null));
    assertThat(tracking.code()).isEqualTo(FailureCodes.TRACKING_UNAVAILABLE);
    assertThat(tracking.getMessage()).contains("http://x:5000");
  }

  @Test
  void badDataAndOtherErrorsAreToldApart() {
    assertThat(
            TrainingJobRunner.classify(
                    new IllegalArgumentException("train.jsonl line 3: unknown label 'eggs'"))
                .code())
        .isEqualTo(FailureCodes.INVALID_DATASET);
    assertThat(TrainingJobRunner.classify(new IOException("disk full")).code())
        .isEqualTo(FailureCodes.TRAINING_ERROR);
    JobFailedException own = new JobFailedException(FailureCodes.DATASET_NOT_FOUND, "no v9");
    assertThat(TrainingJobRunner.classify(own)).isSameAs(own);
  }
}
