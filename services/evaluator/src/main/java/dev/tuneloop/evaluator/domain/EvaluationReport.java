package dev.tuneloop.evaluator.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.events.EventJson;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.events.ModelEvaluated.OperatorOverride;
import dev.tuneloop.events.ModelEvaluated.Reason;
import dev.tuneloop.events.ModelEvaluated.Verdict;
import dev.tuneloop.ml.metrics.ClassificationMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything one evaluation measured and decided: {@code report.json} in the object store and in
 * MLflow, the body of {@code GET /api/v1/evaluations/{model}/{version}}, and the source of the
 * {@code model.evaluated} event.
 *
 * @param schemaVersion version of this document's layout
 * @param state {@code evaluated}, or {@code failed} when the evaluation could not be done ({@code
 *     error} says why; the verdict is then {@code fail})
 * @param modelName the registered model
 * @param jobId the training job of the candidate
 * @param candidateUri the candidate's artifact folder
 * @param candidateRunId the MLflow run of the candidate's training
 * @param evaluationRunId the MLflow run of this evaluation
 * @param correlationId the loop iteration the evaluation belongs to (CloudEvents correlation id)
 * @param dataset the dataset whose test split was used
 * @param datasetVersion its version
 * @param policy the gates applied
 * @param candidate the candidate's metrics and latency on the test split
 * @param champion the champion compared against; null without one
 * @param regression candidate and champion on earlier dataset versions' test splits
 * @param smoke the serving smoke test
 * @param verdict the outcome ({@code pass} after an operator's forced pass)
 * @param reasons every gate applied
 * @param override the operator's forced pass, if any
 * @param error why the evaluation failed, if it did
 * @param evaluatedAt when the verdict was reached
 */
public record EvaluationReport(
    int schemaVersion,
    String state,
    String modelName,
    String jobId,
    String candidateUri,
    String candidateRunId,
    String evaluationRunId,
    String correlationId,
    String dataset,
    int datasetVersion,
    @Nullable GatePolicy policy,
    @Nullable Scored candidate,
    @Nullable Champion champion,
    List<RegressionCheck> regression,
    @Nullable SmokeTest smoke,
    Verdict verdict,
    List<Reason> reasons,
    @Nullable OperatorOverride override,
    @Nullable String error,
    Instant evaluatedAt) {

  /** Current {@link #schemaVersion}. */
  public static final int SCHEMA_VERSION = 1;

  /** {@link #state} of a completed evaluation. */
  public static final String EVALUATED = "evaluated";

  /** {@link #state} of an evaluation that could not be done. */
  public static final String FAILED = "failed";

  private static final ObjectMapper JSON = EventJson.newObjectMapper();

  /**
   * A model's metrics and latency.
   *
   * @param metrics the metrics
   * @param latency time of the forward passes
   */
  public record Scored(ClassificationMetrics metrics, Latency latency) {}

  /**
   * The champion and the paired comparison.
   *
   * @param version its MLflow model version
   * @param uri its artifact folder
   * @param metrics its metrics on the candidate's test examples; null if it could not be scored
   * @param latency time of its forward passes; null if it could not be scored
   * @param mcnemar McNemar's test on accuracy
   * @param bootstrap paired bootstrap of the macro-F1 difference
   * @param problem why it could not be compared, if it could not
   */
  public record Champion(
      String version,
      String uri,
      @Nullable ClassificationMetrics metrics,
      @Nullable Latency latency,
      McNemar.@Nullable Result mcnemar,
      PairedBootstrap.@Nullable Result bootstrap,
      @Nullable String problem) {}

  /** The {@code model.evaluated} event of this report. */
  public ModelEvaluated toEvent() {
    Map<String, Double> candidateMetrics =
        candidate == null ? Map.of() : candidate.metrics().asMap();
    Map<String, Double> championMetrics =
        champion == null || champion.metrics() == null ? Map.of() : champion.metrics().asMap();
    return new ModelEvaluated(
        modelName,
        jobId,
        candidateUri,
        candidateRunId,
        evaluationRunId,
        dataset,
        datasetVersion,
        candidateMetrics,
        champion == null ? null : champion.version(),
        championMetrics,
        verdict,
        reasons,
        override,
        evaluatedAt);
  }

  /** This report with an operator's forced pass. */
  public EvaluationReport withOverride(OperatorOverride forced) {
    return new EvaluationReport(
        schemaVersion,
        state,
        modelName,
        jobId,
        candidateUri,
        candidateRunId,
        evaluationRunId,
        correlationId,
        dataset,
        datasetVersion,
        policy,
        candidate,
        champion,
        regression,
        smoke,
        Verdict.PASS,
        reasons,
        forced,
        error,
        forced.at());
  }

  /** The JSON document (UTF-8). */
  public byte[] toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report of " + jobId, e);
    }
  }

  /** Reads a document written by {@link #toJson()}. */
  public static EvaluationReport fromJson(byte[] json) {
    try {
      return JSON.readValue(json, EvaluationReport.class);
    } catch (IOException e) {
      throw new UncheckedIOException("not an evaluation report: " + e.getMessage(), e);
    }
  }
}
