package dev.tuneloop.trainer.domain;

import dev.tuneloop.events.TrainingStatus;
import java.time.Instant;
import java.util.Map;

/**
 * What is known about a job at one moment: what {@code GET /api/v1/training-jobs/{id}} answers and
 * what {@code <model>/jobs/<job>/status.json} holds.
 *
 * @param jobId the job
 * @param modelName the model the candidate is for
 * @param state the lifecycle state
 * @param step optimizer steps done
 * @param totalSteps steps planned, when known
 * @param epoch current epoch, 1-based (0 before training)
 * @param totalEpochs epochs planned, when known
 * @param loss latest training loss
 * @param learningRate current learning rate
 * @param samplesPerSecond throughput
 * @param etaSeconds estimated seconds left
 * @param metrics latest metrics by name
 * @param failure why it failed (state failed only)
 * @param workerId the worker that reported this
 * @param resumedFromStep the checkpoint step the latest attempt resumed from (0: fresh)
 * @param attempt how many times a worker took this job (1 unless a worker died)
 * @param candidateUri the candidate folder, once written
 * @param mlflowRunId the MLflow run, once created
 * @param updatedAt when this was observed
 */
public record JobSnapshot(
    String jobId,
    String modelName,
    TrainingStatus.State state,
    long step,
    Long totalSteps,
    int epoch,
    Integer totalEpochs,
    Double loss,
    Double learningRate,
    Double samplesPerSecond,
    Long etaSeconds,
    Map<String, Double> metrics,
    TrainingStatus.Failure failure,
    String workerId,
    int resumedFromStep,
    int attempt,
    String candidateUri,
    String mlflowRunId,
    Instant updatedAt) {

  /** Copies the metrics. */
  public JobSnapshot {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  /** The status event of this snapshot. */
  public TrainingStatus toEvent() {
    return new TrainingStatus(
        jobId,
        modelName,
        state,
        step,
        totalSteps,
        epoch,
        totalEpochs,
        loss,
        learningRate,
        samplesPerSecond,
        etaSeconds,
        metrics,
        failure,
        workerId,
        updatedAt);
  }
}
