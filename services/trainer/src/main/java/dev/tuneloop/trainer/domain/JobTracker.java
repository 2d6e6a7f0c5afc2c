package dev.tuneloop.trainer.domain;

import dev.tuneloop.events.TrainingStatus;
import dev.tuneloop.events.TrainingStatus.State;
import dev.tuneloop.ml.train.TrainingProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live state of one job on this worker: state transitions (checked by {@link JobStateMachine}),
 * progress from the training thread, the cancel flag, and when the next progress report is due.
 * Thread-safe: the training thread writes progress, the reporter and the REST API read.
 */
public final class JobTracker {

  /** Metric name under which the resume step is reported in status events. */
  public static final String RESUMED_FROM_STEP = "resumed_from_step";

  private final String jobId;
  private final String modelName;
  private final String workerId;
  private final Clock clock;
  private final Duration progressInterval;
  private final AtomicBoolean cancelRequested = new AtomicBoolean();

  private State state;
  private long step;
  private Long totalSteps;
  private double fractionalEpoch;
  private Integer totalEpochs;
  private Double loss;
  private Double learningRate;
  private Double samplesPerSecond;
  private final Map<String, Double> metrics = new LinkedHashMap<>();
  private TrainingStatus.Failure failure;
  private int resumedFromStep;
  private int attempt = 1;
  private String candidateUri;
  private String mlflowRunId;
  private Instant lastReport = Instant.EPOCH;
  private Instant runningSince;
  private long stepsAtRunningStart;

  /** A tracker for a job that has no state yet. */
  public JobTracker(
      String jobId, String modelName, String workerId, Clock clock, Duration progressInterval) {
    this.jobId = jobId;
    this.modelName = modelName;
    this.workerId = workerId;
    this.clock = clock;
    this.progressInterval = progressInterval;
  }

  /** The job id. */
  public String jobId() {
    return jobId;
  }

  /** The model name. */
  public String modelName() {
    return modelName;
  }

  /** Carries over what an earlier attempt recorded (attempt count, run id). */
  public synchronized void continueFrom(JobSnapshot earlier) {
    attempt = earlier.attempt() + 1;
    if (mlflowRunId == null) {
      mlflowRunId = earlier.mlflowRunId();
    }
  }

  /**
   * Moves to {@code next} and returns the status to publish.
   *
   * @throws IllegalStateException if the transition is not allowed
   */
  public synchronized JobSnapshot moveTo(State next) {
    JobStateMachine.check(state, next);
    state = next;
    if (next == State.RUNNING) {
      runningSince = clock.instant();
      stepsAtRunningStart = step;
    }
    return markReported();
  }

  /** Ends the job failed with a reason code and message; returns the status to publish. */
  public synchronized JobSnapshot fail(String code, String message) {
    JobStateMachine.check(state, State.FAILED);
    state = State.FAILED;
    failure = new TrainingStatus.Failure(code, message);
    return markReported();
  }

  /** Records progress from the training thread. */
  public synchronized void progress(TrainingProgress p) {
    step = p.step();
    totalSteps = (long) p.totalSteps();
    fractionalEpoch = p.epoch();
    loss = finite(p.loss());
    learningRate = finite(p.learningRate());
    samplesPerSecond = p.samplesPerSecond() >= 0 ? finite(p.samplesPerSecond()) : null;
  }

  /** Sets the plan (total epochs) once known. */
  public synchronized void plan(int epochs, Long steps) {
    totalEpochs = epochs;
    if (steps != null) {
      totalSteps = steps;
    }
  }

  /** Records the step training resumed from. */
  public synchronized void resumedFrom(int checkpointStep) {
    resumedFromStep = checkpointStep;
    step = Math.max(step, checkpointStep);
    stepsAtRunningStart = step;
    metrics.put(RESUMED_FROM_STEP, (double) checkpointStep);
  }

  /** Adds metrics (validation at the end of an epoch, final metrics). */
  public synchronized void metrics(Map<String, Double> values) {
    values.forEach(
        (k, v) -> {
          if (v != null && Double.isFinite(v)) {
            metrics.put(k, v);
          }
        });
  }

  /** Records the MLflow run. */
  public synchronized void mlflowRun(String runId) {
    mlflowRunId = runId;
  }

  /** Records the candidate folder. */
  public synchronized void candidate(String uri) {
    candidateUri = uri;
  }

  /** Whether a progress report is due (running and the interval passed since the last one). */
  public synchronized boolean progressDue() {
    return state == State.RUNNING && !clock.instant().isBefore(lastReport.plus(progressInterval));
  }

  /** The current status, counted as reported now. */
  public synchronized JobSnapshot report() {
    return markReported();
  }

  /** The current status without counting it as a report. */
  public synchronized JobSnapshot snapshot() {
    return build(clock.instant());
  }

  /** The current state (null before validating). */
  public synchronized State state() {
    return state;
  }

  /** Asks the job to stop at the next step. */
  public void requestCancel() {
    cancelRequested.set(true);
  }

  /** Whether cancellation was asked for. */
  public boolean cancelRequested() {
    return cancelRequested.get();
  }

  private JobSnapshot markReported() {
    Instant now = clock.instant();
    lastReport = now;
    return build(now);
  }

  private JobSnapshot build(Instant now) {
    Long eta = null;
    if (state == State.RUNNING && totalSteps != null && runningSince != null) {
      long done = step - stepsAtRunningStart;
      double seconds = Duration.between(runningSince, now).toMillis() / 1000.0;
      if (done > 0 && seconds > 0) {
        eta = Math.max(0, Math.round((totalSteps - step) * seconds / done));
      }
    }
    int epoch =
        state == State.RUNNING || (state != null && state.terminal() && step > 0)
            ? Math.max(1, (int) Math.ceil(fractionalEpoch))
            : 0;
    if (totalEpochs != null) {
      epoch = Math.min(epoch, totalEpochs);
    }
    return new JobSnapshot(
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
        eta,
        metrics,
        failure,
        workerId,
        resumedFromStep,
        attempt,
        candidateUri,
        mlflowRunId,
        now);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
