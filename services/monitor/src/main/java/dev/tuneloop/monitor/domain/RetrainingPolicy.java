package dev.tuneloop.monitor.domain;

import dev.tuneloop.events.DatasetCurated;
import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * When to retrain: on a curated dataset version with at least N training records more than the last
 * one trained on ({@code new_data}), or on drift at or above a severity ({@code drift}); never
 * within the cool-down of the model's last request, and never while the model has a job that has
 * not ended. Pure: takes a state and an event, returns the new state and the request (if any).
 */
public final class RetrainingPolicy {

  private static final DateTimeFormatter JOB_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final PolicySettings settings;

  /**
   * A decision.
   *
   * @param state the model's new state
   * @param request the training request to publish, if any
   * @param changed whether {@code state} differs from the state given
   */
  public record Decision(PolicyState state, Optional<TrainingRequested> request, boolean changed) {}

  /** A policy with {@code settings}. */
  public RetrainingPolicy(PolicySettings settings) {
    this.settings = settings;
  }

  /** The settings. */
  public PolicySettings settings() {
    return settings;
  }

  /** The model trained on {@code dataset}. */
  public String modelFor(String dataset) {
    return settings.modelForDataset().apply(dataset);
  }

  /**
   * A new dataset version. Versions not newer than the latest seen are ignored (redelivery).
   *
   * @param warmStartFrom the model's champion version, if it has one
   */
  public Decision onDatasetCurated(
      PolicyState state, DatasetCurated curated, @Nullable String warmStartFrom, Instant now) {
    boolean sameDataset = curated.dataset().equals(state.dataset());
    if (sameDataset && curated.version() <= state.datasetVersion()) {
      return new Decision(state, Optional.empty(), false);
    }
    PolicyState updated =
        state.withDataset(curated.dataset(), curated.version(), curated.train().records());
    if (!sameDataset && state.dataset() != null) {
      // the model moved to another dataset: its records are all new
      updated =
          new PolicyState(
              updated.model(),
              updated.dataset(),
              updated.datasetVersion(),
              updated.trainRecords(),
              0,
              updated.lastRequestAt(),
              updated.openJobId(),
              updated.openJobSince(),
              updated.lastDecision());
    }
    long added = updated.trainRecords() - updated.trainRecordsAtLastRequest();
    if (added < settings.minNewTrainingRecords()) {
      return decided(
          updated.withDecision(
              "dataset "
                  + curated.dataset()
                  + " v"
                  + curated.version()
                  + ": "
                  + added
                  + " new training records, fewer than "
                  + settings.minNewTrainingRecords()
                  + "; no training"));
    }
    return request(
        updated,
        TrainingRequested.Reason.NEW_DATA,
        added + " new training records in " + curated.dataset() + " v" + curated.version(),
        warmStartFrom,
        now);
  }

  /**
   * A drift alarm. Requests training at or above the configured severity when a dataset version is
   * known (from curated events or {@code latestDataset}).
   *
   * @param driftEventId the alarm's event id, named in the request
   * @param latestDataset the latest version of the model's dataset when the state knows none
   */
  public Decision onDrift(
      PolicyState state,
      DriftDetected drift,
      String driftEventId,
      @Nullable String warmStartFrom,
      @Nullable DatasetVersion latestDataset,
      Instant now) {
    if (drift.severity().compareTo(settings.driftSeverity()) < 0) {
      return new Decision(state, Optional.empty(), false);
    }
    PolicyState current = state;
    if (current.dataset() == null || current.datasetVersion() == 0) {
      if (latestDataset == null) {
        return decided(
            current.withDecision(
                "drift ("
                    + drift.severity().name().toLowerCase(Locale.ROOT)
                    + ") on version "
                    + drift.modelVersion()
                    + " but no dataset version is known for "
                    + current.model()
                    + "; no training"));
      }
      current =
          current.withDataset(
              latestDataset.name(), latestDataset.version(), latestDataset.trainRecords());
    }
    return request(
        current,
        TrainingRequested.Reason.DRIFT,
        "drift "
            + drift.severity().name().toLowerCase(Locale.ROOT)
            + " on version "
            + drift.modelVersion()
            + " (event "
            + driftEventId
            + ")",
        warmStartFrom,
        now);
  }

  /**
   * A training job's status: a job of the model that has not ended becomes its open job; the end of
   * the open job frees the model.
   */
  public Decision onTrainingStatus(PolicyState state, TrainingStatus status, Instant now) {
    if (status.state().terminal()) {
      if (status.jobId().equals(state.openJobId())) {
        return decided(
            state
                .withOpenJob(null, null)
                .withDecision(
                    "job "
                        + status.jobId()
                        + " ended "
                        + status.state().name().toLowerCase(Locale.ROOT)));
      }
      return new Decision(state, Optional.empty(), false);
    }
    if (state.openJobId() == null || isStale(state, now)) {
      return decided(state.withOpenJob(status.jobId(), status.reportedAt()));
    }
    return new Decision(state, Optional.empty(), false);
  }

  private Decision request(
      PolicyState state,
      TrainingRequested.Reason reason,
      String why,
      @Nullable String warmStartFrom,
      Instant now) {
    String reasonName = reason.name().toLowerCase(Locale.ROOT);
    if (state.openJobId() != null && !isStale(state, now)) {
      return decided(
          state.withDecision(
              reasonName
                  + ": "
                  + why
                  + "; job "
                  + state.openJobId()
                  + " is still open, no training"));
    }
    if (state.lastRequestAt() != null
        && Duration.between(state.lastRequestAt(), now).compareTo(settings.cooldown()) < 0) {
      return decided(
          state.withDecision(
              reasonName
                  + ": "
                  + why
                  + "; in cool-down until "
                  + state.lastRequestAt().plus(settings.cooldown())
                  + ", no training"));
    }
    String model = state.model();
    String prefix = model.length() > 80 ? model.substring(0, 80) : model;
    String jobId =
        prefix
            + "-"
            + reasonName.replace('_', '-')
            + "-"
            + JOB_TIME.format(now)
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    TrainingRequested request =
        new TrainingRequested(
            jobId,
            model,
            state.dataset(),
            state.datasetVersion(),
            settings.baseModel().apply(model),
            settings.strategy().apply(model),
            TrainingRequested.Hyperparameters.defaults(),
            reason,
            why,
            warmStartFrom,
            now);
    PolicyState updated =
        state.withRequest(jobId, now, reasonName + ": " + why + "; requested job " + jobId);
    return new Decision(updated, Optional.of(request), true);
  }

  private boolean isStale(PolicyState state, Instant now) {
    return state.openJobSince() != null
        && Duration.between(state.openJobSince(), now).compareTo(settings.openJobTimeout()) >= 0;
  }

  private static Decision decided(PolicyState state) {
    return new Decision(state, Optional.empty(), true);
  }

  /**
   * A dataset version found in the object store.
   *
   * @param name the dataset
   * @param version its latest version
   * @param trainRecords training records in it
   */
  public record DatasetVersion(String name, int version, long trainRecords) {}
}
