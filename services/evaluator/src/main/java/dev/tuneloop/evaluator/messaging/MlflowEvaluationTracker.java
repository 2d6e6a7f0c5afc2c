package dev.tuneloop.evaluator.messaging;

import dev.tuneloop.evaluator.domain.CandidateEvaluator;
import dev.tuneloop.evaluator.domain.EvaluationReport;
import dev.tuneloop.evaluator.domain.EvaluationStore;
import dev.tuneloop.events.ModelEvaluated.OperatorOverride;
import dev.tuneloop.events.ModelTrained;
import dev.tuneloop.tracking.ArtifactClient;
import dev.tuneloop.tracking.MetricPoint;
import dev.tuneloop.tracking.RunStatus;
import dev.tuneloop.tracking.TrackedRun;
import dev.tuneloop.tracking.TrackingClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One MLflow run per evaluation in the model's experiment {@code tuneloop/<model>}, tagged {@code
 * tuneloop.kind=evaluation} and {@code tuneloop.job_id}: the candidate's and champion's test
 * metrics, the paired tests, the verdict as tags, {@code report.json} and {@code report.html} as
 * artifacts. A forced pass adds {@code tuneloop.override.*} tags.
 */
@ApplicationScoped
public class MlflowEvaluationTracker implements CandidateEvaluator.Tracker {

  /** Run tag holding the verdict ({@code pass} or {@code fail}). */
  public static final String VERDICT_TAG = "tuneloop.verdict";

  private final TrackingClient tracking;
  private final ArtifactClient artifacts;

  MlflowEvaluationTracker(TrackingClient tracking, ArtifactClient artifacts) {
    this.tracking = tracking;
    this.artifacts = artifacts;
  }

  /** The experiment of a model's runs. */
  public static String experimentName(String model) {
    return "tuneloop/" + model;
  }

  @Override
  public String start(ModelTrained candidate) {
    String experiment = tracking.getOrCreateExperiment(experimentName(candidate.modelName()));
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("tuneloop.kind", "evaluation");
    tags.put("tuneloop.job_id", candidate.jobId());
    tags.put("tuneloop.dataset", candidate.lineage().dataset());
    tags.put("tuneloop.dataset_version", String.valueOf(candidate.lineage().datasetVersion()));
    tags.put("tuneloop.candidate_uri", candidate.candidateUri());
    tags.put("tuneloop.candidate_run_id", candidate.mlflowRunId());
    tags.put(
        "tuneloop.report_uri", EvaluationStore.reportUri(candidate.modelName(), candidate.jobId()));
    TrackedRun run = tracking.startRun(experiment, "evaluation-" + candidate.jobId(), tags);
    return run.runId();
  }

  @Override
  public void finish(EvaluationReport report, String html) {
    String runId = report.evaluationRunId();
    long now = System.currentTimeMillis();
    List<MetricPoint> metrics = new ArrayList<>();
    Map<String, String> params = new LinkedHashMap<>();
    Map<String, String> tags = new LinkedHashMap<>();
    if (report.candidate() != null) {
      report
          .candidate()
          .metrics()
          .asMap()
          .forEach((k, v) -> metrics.add(new MetricPoint("test_" + metricKey(k), v, now, 0)));
      metrics.add(
          new MetricPoint(
              "latency_ms_per_batch", report.candidate().latency().meanMillisPerBatch(), now, 0));
      metrics.add(
          new MetricPoint(
              "latency_ms_per_batch_p95",
              report.candidate().latency().p95MillisPerBatch(),
              now,
              0));
      metrics.add(new MetricPoint("test_examples", report.candidate().metrics().count(), now, 0));
    }
    if (report.champion() != null) {
      tags.put("tuneloop.champion_version", report.champion().version());
      if (report.champion().metrics() != null) {
        report
            .champion()
            .metrics()
            .asMap()
            .forEach(
                (k, v) -> metrics.add(new MetricPoint("champion_test_" + metricKey(k), v, now, 0)));
      }
      if (report.champion().mcnemar() != null) {
        metrics.add(
            new MetricPoint("mcnemar_p_value", report.champion().mcnemar().pValue(), now, 0));
      }
      if (report.champion().bootstrap() != null) {
        metrics.add(
            new MetricPoint(
                "macro_f1_delta_ci_lower", report.champion().bootstrap().lower(), now, 0));
        metrics.add(
            new MetricPoint(
                "macro_f1_delta_ci_upper", report.champion().bootstrap().upper(), now, 0));
      }
    }
    if (report.policy() != null) {
      params.put("policy.improvement_metric", report.policy().improvementMetric());
      params.put("policy.min_improvement", String.valueOf(report.policy().minImprovement()));
      params.put("policy.max_class_drop", String.valueOf(report.policy().maxClassDrop()));
      params.put("policy.significance_level", String.valueOf(report.policy().significanceLevel()));
      params.put(
          "policy.no_champion", report.policy().noChampion().name().toLowerCase(Locale.ROOT));
    }
    tags.put(VERDICT_TAG, report.verdict().name().toLowerCase(Locale.ROOT));
    tags.put("tuneloop.evaluation_state", report.state());
    long failed = report.reasons().stream().filter(r -> !r.passed()).count();
    tags.put("tuneloop.failed_gates", String.valueOf(failed));
    String failedGates =
        String.join(
            "; ",
            report.reasons().stream()
                .filter(r -> !r.passed())
                .map(r -> r.gate() + (r.metric() == null ? "" : " " + r.metric()))
                .toList());
    if (!failedGates.isEmpty()) {
      tags.put("tuneloop.failed_reasons", truncate(failedGates, 4000));
    }
    tracking.logBatch(runId, metrics, params, tags);
    uploadReport(report, html);
    tracking.endRun(
        runId,
        EvaluationReport.FAILED.equals(report.state()) ? RunStatus.FAILED : RunStatus.FINISHED);
  }

  @Override
  public void recordOverride(EvaluationReport report, String html) {
    OperatorOverride o = report.override();
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(VERDICT_TAG, "pass");
    tags.put("tuneloop.override", "true");
    tags.put("tuneloop.override.operator", o.operator());
    tags.put("tuneloop.override.reason", truncate(o.reason(), 4000));
    tags.put("tuneloop.override.at", o.at().toString());
    tracking.setTags(report.evaluationRunId(), tags);
    uploadReport(report, html);
  }

  private void uploadReport(EvaluationReport report, String html) {
    String artifactUri = tracking.getRun(report.evaluationRunId()).artifactUri();
    byte[] json = report.toJson();
    artifacts.upload(artifactUri, "report.json", () -> new ByteArrayInputStream(json), json.length);
    byte[] page = html.getBytes(StandardCharsets.UTF_8);
    artifacts.upload(artifactUri, "report.html", () -> new ByteArrayInputStream(page), page.length);
  }

  /** MLflow metric names allow letters, digits, {@code _-. /}; labels may hold anything. */
  static String metricKey(String key) {
    return key.replaceAll("[^A-Za-z0-9_\\-. /]", "_");
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
