package dev.tuneloop.events;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The state and progress of a training job: published on every state change and at least every 10 s
 * while it runs.
 *
 * <p>Producer: trainer. Consumers: registry, UI. Key: the job id.
 *
 * @param jobId the job
 * @param modelName the registered model the job trains a candidate for
 * @param state where the job is
 * @param step optimizer steps done so far (0 before training starts)
 * @param totalSteps steps the job will take; absent until known
 * @param epoch the current epoch, 1-based (0 before training starts)
 * @param totalEpochs epochs the job will run; absent until known
 * @param loss latest training loss (smoothed over the last report interval)
 * @param learningRate current learning rate
 * @param samplesPerSecond training throughput over the last report interval
 * @param etaSeconds estimated seconds until the job ends
 * @param metrics latest validation and training metrics by name; empty when none yet
 * @param failure why the job failed; present exactly when {@code state} is {@code failed}
 * @param workerId the worker running the job; absent before a worker takes it
 * @param reportedAt when this status was observed
 */
public record TrainingStatus(
    String jobId,
    String modelName,
    State state,
    long step,
    @Nullable Long totalSteps,
    int epoch,
    @Nullable Integer totalEpochs,
    @Nullable Double loss,
    @Nullable Double learningRate,
    @Nullable Double samplesPerSecond,
    @Nullable Long etaSeconds,
    Map<String, Double> metrics,
    @Nullable Failure failure,
    @Nullable String workerId,
    Instant reportedAt)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.training.status.v1";

  /** Kafka topic. */
  public static final String TOPIC = Topics.TRAINING_STATUS;

  /**
   * Lifecycle of a job: {@code validating -> queued -> running -> succeeded | failed | cancelled}.
   * JSON: the lower-case names.
   */
  public enum State {
    /** Checking that the dataset version and base model exist and hyperparameters are in range. */
    VALIDATING,
    /** Valid and waiting for the worker's training thread. */
    QUEUED,
    /** Training. */
    RUNNING,
    /** Finished; the candidate was published. */
    SUCCEEDED,
    /** Ended with an error; see {@link TrainingStatus#failure()}. */
    FAILED,
    /** Cancelled by an operator. */
    CANCELLED;

    /** Whether the job can no longer change state. */
    public boolean terminal() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  /**
   * Why a job failed.
   *
   * @param code a stable, machine-readable reason in snake case, e.g. {@code dataset_not_found},
   *     {@code invalid_hyperparameter}, {@code storage_unavailable}
   * @param message what happened and what to do about it, for people
   */
  public record Failure(String code, String message) {

    /** Checks both fields. */
    public Failure {
      Require.nonBlank(code, "code");
      Require.nonBlank(message, "message");
    }
  }

  /** Checks every field; see the component descriptions. */
  public TrainingStatus {
    Require.name(jobId, "jobId");
    Require.name(modelName, "modelName");
    Require.present(state, "state");
    Require.nonNegative(step, "step");
    Require.nonNegativeIfPresent(totalSteps, "totalSteps");
    Require.nonNegative(epoch, "epoch");
    Require.nonNegativeIfPresent(totalEpochs, "totalEpochs");
    Require.finiteIfPresent(loss, "loss");
    Require.finiteIfPresent(learningRate, "learningRate");
    Require.nonNegativeIfPresent(samplesPerSecond, "samplesPerSecond");
    Require.nonNegativeIfPresent(etaSeconds, "etaSeconds");
    metrics = Require.metrics(metrics, "metrics");
    if (state == State.FAILED && failure == null) {
      throw new InvalidEventException("failure is required when state is failed");
    }
    if (state != State.FAILED && failure != null) {
      throw new InvalidEventException(
          "failure must be absent when state is " + state.name().toLowerCase(Locale.ROOT));
    }
    Require.nonBlankIfPresent(workerId, "workerId");
    Require.present(reportedAt, "reportedAt");
  }

  @Override
  public String key() {
    return jobId;
  }
}
