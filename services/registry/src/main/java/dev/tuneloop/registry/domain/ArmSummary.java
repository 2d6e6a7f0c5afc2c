package dev.tuneloop.registry.domain;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one arm of a rollout did during the current step: the evidence the judge reads.
 *
 * @param version the model version
 * @param samples predictions served
 * @param labelled predictions with feedback
 * @param correct labelled predictions that were right
 * @param meanConfidence mean confidence, absent without data
 * @param errorRate share of failed requests, absent when unknown
 * @param latencyP99Millis sample-weighted mean of the windows' p99 latency, absent without data
 * @param predictedLabelCounts predictions per predicted label
 */
public record ArmSummary(
    String version,
    long samples,
    long labelled,
    long correct,
    @Nullable Double meanConfidence,
    @Nullable Double errorRate,
    @Nullable Double latencyP99Millis,
    Map<String, Long> predictedLabelCounts) {

  /** Copies the counts. */
  public ArmSummary {
    predictedLabelCounts = Map.copyOf(predictedLabelCounts);
  }

  /** An arm with no evidence yet. */
  public static ArmSummary empty(String version) {
    return new ArmSummary(version, 0, 0, 0, null, null, null, Map.of());
  }

  /** Online accuracy, absent without labels. */
  public @Nullable Double accuracy() {
    return labelled == 0 ? null : (double) correct / labelled;
  }
}
