package dev.tuneloop.serving.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.ml.inference.InferenceEngine;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatchingSettingsTest {

  private static final Duration WAIT = Duration.ofMillis(2);

  @Test
  void onnxRuntimeRunsOneTextPerPassOnOneWorkerPerCore() {
    BatchingSettings settings =
        BatchingSettings.forEngine(
            InferenceEngine.ONNXRUNTIME, Optional.empty(), WAIT, 100, Optional.empty(), 8);
    assertThat(settings.maxBatchSize()).isEqualTo(1);
    assertThat(settings.workers()).isEqualTo(8);
    assertThat(settings.maxWait()).isEqualTo(WAIT);
    assertThat(settings.maxQueue()).isEqualTo(100);
  }

  @Test
  void djlBatchesOnTwoWorkersWhateverTheCores() {
    BatchingSettings settings =
        BatchingSettings.forEngine(
            InferenceEngine.DJL, Optional.empty(), WAIT, 100, Optional.empty(), 8);
    assertThat(settings.maxBatchSize()).isEqualTo(BatchingSettings.DJL_MAX_BATCH_SIZE);
    assertThat(settings.workers()).isEqualTo(BatchingSettings.DJL_WORKERS);
  }

  @Test
  void configuredValuesWinOverTheEngineDefaults() {
    BatchingSettings settings =
        BatchingSettings.forEngine(
            InferenceEngine.ONNXRUNTIME, Optional.of(16), WAIT, 100, Optional.of(3), 8);
    assertThat(settings.maxBatchSize()).isEqualTo(16);
    assertThat(settings.workers()).isEqualTo(3);
  }

  @Test
  void aMachineReportingNoCoresStillGetsOneWorker() {
    assertThat(
            BatchingSettings.forEngine(
                    InferenceEngine.ONNXRUNTIME, Optional.empty(), WAIT, 1, Optional.empty(), 0)
                .workers())
        .isEqualTo(1);
  }

  @Test
  void nonsenseIsRejected() {
    assertThatThrownBy(
            () ->
                BatchingSettings.forEngine(
                    InferenceEngine.ONNXRUNTIME, Optional.of(0), WAIT, 1, Optional.empty(), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max batch size");
    assertThatThrownBy(
            () ->
                BatchingSettings.forEngine(
                    InferenceEngine.DJL,
                    Optional.empty(),
                    Duration.ofMillis(-1),
                    1,
                    Optional.of(2),
                    2))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
