package dev.tuneloop.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The evaluator's verdict on a candidate, with every gate it applied spelled out.
 *
 * <p>Producer: evaluator (once per candidate). Consumer: registry (registers and rolls out a {@code
 * pass}). Key: the model name.
 *
 * @param modelName the registered model
 * @param jobId the training job that produced the candidate ({@link ModelTrained#jobId()})
 * @param candidateUri the candidate's artifact folder ({@link ModelTrained#candidateUri()})
 * @param candidateRunId the MLflow run of the candidate's training
 * @param evaluationRunId the MLflow run of this evaluation (holds the JSON and HTML reports)
 * @param dataset the dataset whose test split was used
 * @param datasetVersion its version
 * @param candidateMetrics the candidate's test metrics by name
 * @param championVersion the MLflow model version of the champion compared against; absent when
 *     there was no champion yet
 * @param championMetrics the champion's metrics on the same examples; empty without a champion
 * @param verdict the outcome
 * @param reasons every gate that was checked, passed or not
 * @param override an operator's forced pass; absent for the evaluator's own verdicts
 * @param evaluatedAt when the verdict was reached
 */
public record ModelEvaluated(
    String modelName,
    String jobId,
    String candidateUri,
    String candidateRunId,
    String evaluationRunId,
    String dataset,
    int datasetVersion,
    Map<String, Double> candidateMetrics,
    @Nullable String championVersion,
    Map<String, Double> championMetrics,
    Verdict verdict,
    List<Reason> reasons,
    @Nullable OperatorOverride override,
    Instant evaluatedAt)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.model.evaluated.v1";

  /** Kafka topic. */
  public static final String TOPIC = Topics.MODEL_EVALUATED;

  /** Whether the candidate may be rolled out. JSON: {@code pass}, {@code fail}. */
  public enum Verdict {
    /** Every gate passed (or an operator forced it): roll the candidate out. */
    PASS,
    /** At least one gate failed: keep the champion. */
    FAIL
  }

  /**
   * One gate and its outcome, e.g. "macro_f1 must improve on the champion by 0.01" with the values
   * that decided it.
   *
   * @param gate the rule applied, e.g. {@code min_threshold}, {@code min_improvement}, {@code
   *     max_class_drop}, {@code regression}, {@code significance}, {@code no_champion}, {@code
   *     serving_smoke_test}
   * @param metric the metric the rule looks at, with its scope where it has one (e.g. {@code
   *     accuracy}, {@code f1[spam]}, {@code macro_f1@v1}); absent for rules on no metric
   * @param threshold the limit the rule compares against
   * @param candidateValue the candidate's value
   * @param championValue the champion's value on the same examples
   * @param delta candidate minus champion
   * @param pValue p-value of the paired test behind the rule
   * @param passed whether the rule held
   * @param message the rule and its outcome in a sentence, for people
   */
  public record Reason(
      String gate,
      @Nullable String metric,
      @Nullable Double threshold,
      @Nullable Double candidateValue,
      @Nullable Double championValue,
      @Nullable Double delta,
      @Nullable Double pValue,
      boolean passed,
      String message) {

    /** Checks every field. */
    public Reason {
      Require.nonBlank(gate, "gate");
      Require.nonBlankIfPresent(metric, "metric");
      Require.finiteIfPresent(threshold, "threshold");
      Require.finiteIfPresent(candidateValue, "candidateValue");
      Require.finiteIfPresent(championValue, "championValue");
      Require.finiteIfPresent(delta, "delta");
      Require.fractionIfPresent(pValue, "pValue");
      Require.nonBlank(message, "message");
    }
  }

  /**
   * A pass forced by an operator through the evaluator's REST API (also recorded in MLflow tags).
   *
   * @param operator who forced it
   * @param reason why, in the operator's words
   * @param at when
   */
  public record OperatorOverride(String operator, String reason, Instant at) {

    /** Checks every field. */
    public OperatorOverride {
      Require.nonBlank(operator, "operator");
      Require.nonBlank(reason, "reason");
      Require.present(at, "at");
    }
  }

  /** Checks every field and that the verdict agrees with the reasons. */
  public ModelEvaluated {
    Require.name(modelName, "modelName");
    Require.name(jobId, "jobId");
    Require.nonBlank(candidateUri, "candidateUri");
    Require.nonBlank(candidateRunId, "candidateRunId");
    Require.nonBlank(evaluationRunId, "evaluationRunId");
    Require.name(dataset, "dataset");
    Require.positive(datasetVersion, "datasetVersion");
    candidateMetrics = Require.metrics(candidateMetrics, "candidateMetrics");
    Require.nonBlankIfPresent(championVersion, "championVersion");
    championMetrics = Require.metrics(championMetrics, "championMetrics");
    Require.present(verdict, "verdict");
    reasons = Require.list(reasons, "reasons");
    Require.present(evaluatedAt, "evaluatedAt");
    boolean anyFailed = reasons.stream().anyMatch(reason -> !reason.passed());
    if (verdict == Verdict.FAIL && !anyFailed) {
      throw new InvalidEventException("verdict fail needs at least one reason with passed=false");
    }
    if (verdict == Verdict.FAIL && override != null) {
      throw new InvalidEventException("override is only allowed with verdict pass");
    }
    if (verdict == Verdict.PASS && anyFailed && override == null) {
      throw new InvalidEventException(
          "verdict pass with failed reasons needs an override (an operator's forced pass)");
    }
  }

  @Override
  public String key() {
    return modelName;
  }
}
