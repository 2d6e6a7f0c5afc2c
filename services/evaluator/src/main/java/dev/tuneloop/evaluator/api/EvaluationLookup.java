package dev.tuneloop.evaluator.api;

import dev.tuneloop.evaluator.domain.EvaluationReport;
import dev.tuneloop.evaluator.domain.EvaluationStore;
import dev.tuneloop.tracking.ModelRegistryClient;
import dev.tuneloop.tracking.ModelVersion;
import dev.tuneloop.tracking.TrackingClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the evaluation a REST path names: {@code {version}} is the candidate's training job id or,
 * when no job has that id, the MLflow model version registered from the candidate (its job id from
 * the version's or its run's {@code tuneloop.job_id} tag, or from a source ending in {@code
 * /candidates/<job>/}).
 */
@ApplicationScoped
public class EvaluationLookup {

  private static final Pattern CANDIDATE_SOURCE = Pattern.compile(".*/candidates/([^/]+)/?$");
  private static final String JOB_TAG = "tuneloop.job_id";

  private final EvaluationStore store;
  private final ModelRegistryClient registry;
  private final TrackingClient tracking;

  EvaluationLookup(EvaluationStore store, ModelRegistryClient registry, TrackingClient tracking) {
    this.store = store;
    this.registry = registry;
    this.tracking = tracking;
  }

  /** The report of {@code model}'s job or model version {@code version}. */
  public Optional<EvaluationReport> find(String model, String version) {
    Optional<EvaluationReport> byJob = store.report(model, version);
    if (byJob.isPresent() || !version.matches("[0-9]{1,18}")) {
      return byJob;
    }
    return jobOfModelVersion(model, version).flatMap(job -> store.report(model, job));
  }

  private Optional<String> jobOfModelVersion(String model, String version) {
    Optional<ModelVersion> found = registry.findModelVersion(model, version);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ModelVersion v = found.get();
    if (v.tags().containsKey(JOB_TAG)) {
      return Optional.of(v.tags().get(JOB_TAG));
    }
    if (!v.runId().isBlank()) {
      Optional<String> job = tracking.findRun(v.runId()).flatMap(run -> run.tag(JOB_TAG));
      if (job.isPresent()) {
        return job;
      }
    }
    Matcher m = CANDIDATE_SOURCE.matcher(v.source());
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
