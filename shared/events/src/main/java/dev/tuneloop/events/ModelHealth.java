package dev.tuneloop.events;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Online health of one model version over one window: what the registry's rollout decisions read.
 *
 * <p>Producer: monitor. Consumer: registry. Key: the model name.
 *
 * @param modelName the registered model
 * @param modelVersion the MLflow model version measured
 * @param arm the rollout arm the version served on during the window
 * @param window the time span of the predictions counted
 * @param sampleCount predictions in the window
 * @param labelledCount predictions in the window that received feedback
 * @param onlineAccuracy accuracy on the labelled predictions; absent without feedback
 * @param macroF1 macro-averaged F1 on the labelled predictions; absent without feedback
 * @param estimatedAccuracy accuracy estimated from confidence, for when feedback is scarce
 * @param meanConfidence mean confidence of the predictions; absent for an empty window
 * @param errorRate share of requests that failed; absent when unknown
 * @param latencyP99Millis 99th percentile latency in milliseconds; absent for an empty window
 * @param predictedLabelCounts predictions per predicted label (the prediction distribution)
 * @param driftScores drift statistics against the reference profile by name (e.g. {@code
 *     psi.predicted_label}, {@code ks.confidence}); empty when not computed
 * @param computedAt when the figures were computed
 */
public record ModelHealth(
    String modelName,
    String modelVersion,
    Arm arm,
    TimeWindow window,
    long sampleCount,
    long labelledCount,
    @Nullable Double onlineAccuracy,
    @Nullable Double macroF1,
    @Nullable Double estimatedAccuracy,
    @Nullable Double meanConfidence,
    @Nullable Double errorRate,
    @Nullable Double latencyP99Millis,
    Map<String, Long> predictedLabelCounts,
    Map<String, Double> driftScores,
    Instant computedAt)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.model.health.v1";

  /** Kafka topic. */
  public static final String TOPIC = Topics.MODEL_HEALTH;

  /** Checks every field; see the component descriptions. */
  public ModelHealth {
    Require.name(modelName, "modelName");
    Require.nonBlank(modelVersion, "modelVersion");
    Require.present(arm, "arm");
    Require.present(window, "window");
    Require.nonNegative(sampleCount, "sampleCount");
    Require.nonNegative(labelledCount, "labelledCount");
    Require.fractionIfPresent(onlineAccuracy, "onlineAccuracy");
    Require.fractionIfPresent(macroF1, "macroF1");
    Require.fractionIfPresent(estimatedAccuracy, "estimatedAccuracy");
    Require.fractionIfPresent(meanConfidence, "meanConfidence");
    Require.fractionIfPresent(errorRate, "errorRate");
    Require.nonNegativeIfPresent(latencyP99Millis, "latencyP99Millis");
    predictedLabelCounts = Require.counts(predictedLabelCounts, "predictedLabelCounts");
    driftScores = Require.metrics(driftScores, "driftScores");
    Require.present(computedAt, "computedAt");
  }

  @Override
  public String key() {
    return modelName;
  }
}
