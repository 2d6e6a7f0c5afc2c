package dev.tuneloop.evaluator.domain;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.EventMetadata;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.events.ModelEvaluated.Reason;
import dev.tuneloop.events.ModelEvaluated.Verdict;
import dev.tuneloop.events.ModelTrained;
import dev.tuneloop.ml.train.LabelledText;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Evaluates one candidate, once: scores it and the champion on the dataset version's test split
 * (and earlier versions' for regressions), runs the paired tests and the gates, writes the report
 * (object store and MLflow) and publishes {@code model.evaluated}. A job already evaluated is not
 * evaluated again; a verdict written but not yet published is published.
 */
public final class CandidateEvaluator {

  private static final Logger LOG = Logger.getLogger(CandidateEvaluator.class);

  /** CloudEvents source of the events this service publishes. */
  public static final String SOURCE = "tuneloop/evaluator";

  /** Loads a model folder exactly as serving does. */
  public interface ModelLoader {
    /**
     * @param uri the artifact folder, {@code s3://bucket/prefix/}
     * @throws IOException if a file is missing or inconsistent
     */
    Classifier load(String uri) throws IOException;
  }

  /** Test splits of dataset versions. */
  public interface TestSplits {
    /**
     * The test split of a version; empty if the version does not exist.
     *
     * @throws IOException if it exists but cannot be read (the message names file and line)
     */
    Optional<List<LabelledText>> test(String dataset, int version, List<String> labels)
        throws IOException;
  }

  /** Finds the current champion of a model. */
  public interface ChampionFinder {
    /**
     * The champion (MLflow alias {@code champion}) and its artifact folder; empty if none.
     *
     * @throws IllegalStateException if the champion's artifact cannot be located
     */
    Optional<ChampionRef> champion(String model);
  }

  /**
   * A champion.
   *
   * @param version its MLflow model version
   * @param uri its artifact folder
   */
  public record ChampionRef(String version, String uri) {}

  /** Tracks evaluations in MLflow. */
  public interface Tracker {
    /** Starts the evaluation run of a candidate; returns its run id. */
    String start(ModelTrained candidate);

    /** Logs metrics, tags, {@code report.json} and {@code report.html}, and ends the run. */
    void finish(EvaluationReport report, String html);

    /** Records an operator's forced pass (tags) and replaces the run's reports. */
    void recordOverride(EvaluationReport report, String html);
  }

  /** What {@link #evaluate} did. */
  public enum Outcome {
    /** Evaluated and published now. */
    EVALUATED,
    /** Already evaluated; the stored verdict had not been published and now was. */
    REPUBLISHED,
    /** Already evaluated and published: nothing done. */
    ALREADY_DONE
  }

  private final EvaluationStore store;
  private final ModelLoader models;
  private final TestSplits splits;
  private final ChampionFinder champions;
  private final Tracker tracker;
  private final Consumer<EventEnvelope<ModelEvaluated>> publisher;
  private final Function<String, GatePolicy> policies;
  private final int batchSize;

  /**
   * @param store reports and requests
   * @param models candidate and champion loading
   * @param splits dataset test splits
   * @param champions the champion per model
   * @param tracker MLflow
   * @param publisher sends {@code model.evaluated} and waits for Kafka's acknowledgement
   * @param policies the gate policy per model name
   * @param batchSize texts per forward pass
   */
  public CandidateEvaluator(
      EvaluationStore store,
      ModelLoader models,
      TestSplits splits,
      ChampionFinder champions,
      Tracker tracker,
      Consumer<EventEnvelope<ModelEvaluated>> publisher,
      Function<String, GatePolicy> policies,
      int batchSize) {
    this.store = store;
    this.models = models;
    this.splits = splits;
    this.champions = champions;
    this.tracker = tracker;
    this.publisher = publisher;
    this.policies = policies;
    this.batchSize = batchSize;
  }

  /** Evaluates the candidate of a recorded request, unless that was done. */
  public Outcome evaluate(EvaluationStore.Request request) {
    ModelTrained candidate = request.event();
    Optional<EvaluationReport> existing = store.report(candidate.modelName(), candidate.jobId());
    if (existing.isPresent()) {
      if (store.isPublished(existing.get())) {
        return Outcome.ALREADY_DONE;
      }
      publish(existing.get());
      return Outcome.REPUBLISHED;
    }
    String runId = tracker.start(candidate);
    EvaluationReport report;
    try {
      report = measure(candidate, runId, request.correlationId());
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "evaluation of %s job %s failed", candidate.modelName(), candidate.jobId());
      report = failed(candidate, runId, request.correlationId(), e);
    }
    String html = HtmlReport.render(report);
    tracker.finish(report, html);
    store.saveReport(report, html);
    publish(report);
    return Outcome.EVALUATED;
  }

  /**
   * Forces a pass: records who and why in MLflow and the stored report, and publishes a new {@code
   * model.evaluated} with the override.
   *
   * @throws IllegalStateException if the verdict is already a pass or the evaluation failed (there
   *     is nothing to stand on); the message says which
   */
  public EvaluationReport forcePass(EvaluationReport report, String operator, String reason) {
    if (report.override() != null) {
      throw new IllegalStateException(
          "already forced to pass by "
              + report.override().operator()
              + " at "
              + report.override().at());
    }
    if (report.verdict() == Verdict.PASS) {
      throw new IllegalStateException("the candidate passed every gate; nothing to override");
    }
    if (!EvaluationReport.EVALUATED.equals(report.state())) {
      throw new IllegalStateException(
          "the evaluation itself failed (" + report.error() + "); fix the cause and train again");
    }
    EvaluationReport forced =
        report.withOverride(new ModelEvaluated.OperatorOverride(operator, reason, Instant.now()));
    String html = HtmlReport.render(forced);
    tracker.recordOverride(forced, html);
    store.saveReport(forced, html);
    publish(forced);
    return forced;
  }

  /** Publishes the report's event and records that it was. */
  public void publish(EvaluationReport report) {
    ModelEvaluated event = report.toEvent();
    publisher.accept(
        new EventEnvelope<>(EventMetadata.forEvent(event, SOURCE, report.correlationId()), event));
    store.markPublished(report);
  }

  private EvaluationReport measure(ModelTrained t, String runId, String correlationId)
      throws IOException {
    GatePolicy policy = policies.apply(t.modelName());
    String dataset = t.lineage().dataset();
    int version = t.lineage().datasetVersion();
    List<LabelledText> test =
        splits
            .test(dataset, version, t.labels())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "dataset "
                            + dataset
                            + " has no version "
                            + version
                            + " with a test split"));
    if (test.isEmpty()) {
      throw new IllegalStateException(
          "the test split of " + dataset + " v" + version + " is empty: nothing to evaluate on");
    }
    Map<Integer, List<LabelledText>> earlier = new LinkedHashMap<>();
    for (int v = Math.max(1, version - policy.regressionVersions()); v < version; v++) {
      Optional<List<LabelledText>> split = splits.test(dataset, v, t.labels());
      if (split.isPresent() && !split.get().isEmpty()) {
        earlier.put(v, split.get());
      }
    }
    Optional<ChampionRef> champion =
        champions.champion(t.modelName()).filter(c -> !sameFolder(c.uri(), t.candidateUri()));

    try (Classifier candidate = models.load(t.candidateUri())) {
      List<String> labels = candidate.labels();
      if (!ModelScore.sameLabelSet(labels, t.labels())) {
        throw new IllegalStateException(
            "the candidate's labels.json says " + labels + " but model.trained says " + t.labels());
      }
      ModelScore own = ModelScore.score(candidate, labels, test, batchSize);
      SmokeTest smoke = SmokeTest.run(candidate, test.get(0).text());
      ChampionComparison comparison = null;
      String problem = null;
      List<RegressionCheck> regressions = new ArrayList<>();
      EvaluationReport.Champion championSection = null;
      if (champion.isPresent()) {
        ChampionRef ref = champion.get();
        try (Classifier theirs = models.load(ref.uri())) {
          if (!ModelScore.sameLabelSet(theirs.labels(), labels)) {
            problem = "its labels " + theirs.labels() + " differ from the candidate's " + labels;
          } else {
            ModelScore score = ModelScore.score(theirs, labels, test, batchSize);
            comparison = ChampionComparison.of(ref.version(), ref.uri(), own, score, policy);
            for (Map.Entry<Integer, List<LabelledText>> e : earlier.entrySet()) {
              regressions.add(
                  new RegressionCheck(
                      e.getKey(),
                      e.getValue().size(),
                      ModelScore.score(candidate, labels, e.getValue(), batchSize).metrics(),
                      ModelScore.score(theirs, labels, e.getValue(), batchSize).metrics()));
            }
          }
        } catch (IOException e) {
          problem = "its artifact " + ref.uri() + " cannot be loaded: " + e.getMessage();
        }
        championSection =
            comparison == null
                ? new EvaluationReport.Champion(
                    ref.version(), ref.uri(), null, null, null, null, problem)
                : new EvaluationReport.Champion(
                    ref.version(),
                    ref.uri(),
                    comparison.score().metrics(),
                    comparison.score().latency(),
                    comparison.mcnemar(),
                    comparison.bootstrap(),
                    null);
      }
      GateEngine.Decision decision =
          GateEngine.decide(policy, own.metrics(), comparison, problem, regressions, smoke);
      return new EvaluationReport(
          EvaluationReport.SCHEMA_VERSION,
          EvaluationReport.EVALUATED,
          t.modelName(),
          t.jobId(),
          t.candidateUri(),
          t.mlflowRunId(),
          runId,
          correlationId,
          dataset,
          version,
          policy,
          new EvaluationReport.Scored(own.metrics(), own.latency()),
          championSection,
          regressions,
          smoke,
          decision.verdict(),
          decision.reasons(),
          null,
          null,
          Instant.now());
    }
  }

  private static EvaluationReport failed(
      ModelTrained t, String runId, String correlationId, Exception e) {
    String error = e.getMessage() == null ? e.toString() : e.getMessage();
    return new EvaluationReport(
        EvaluationReport.SCHEMA_VERSION,
        EvaluationReport.FAILED,
        t.modelName(),
        t.jobId(),
        t.candidateUri(),
        t.mlflowRunId(),
        runId,
        correlationId,
        t.lineage().dataset(),
        t.lineage().datasetVersion(),
        null,
        null,
        null,
        List.of(),
        null,
        Verdict.FAIL,
        List.of(
            new Reason(
                "evaluation_error",
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                "the candidate could not be evaluated: " + error)),
        null,
        error,
        Instant.now());
  }

  private static boolean sameFolder(String a, String b) {
    return trimSlash(a).equals(trimSlash(b));
  }

  private static String trimSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }
}
