package dev.tuneloop.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One prediction made by the serving gateway (shadow predictions included).
 *
 * <p>Producer: serving. Consumer: monitor. Key: the model name.
 *
 * @param requestId the id returned to the caller; feedback refers to it
 * @param modelName the registered model
 * @param modelVersion the MLflow model version that answered
 * @param arm the rollout arm of that version
 * @param shadow true when this is the challenger's answer to a mirrored request, not returned to
 *     the caller
 * @param routingKey the caller's sticky routing key, when it sent one
 * @param label the predicted label
 * @param confidence the probability of {@code label}, within [0, 1]
 * @param probabilities the probability of every label; absent when serving does not log them
 * @param input what the input looked like, for drift detection (never the text itself)
 * @param latencyMillis time spent answering, in milliseconds
 * @param predictedAt when the answer was produced
 */
public record Prediction(
    String requestId,
    String modelName,
    String modelVersion,
    Arm arm,
    boolean shadow,
    @Nullable String routingKey,
    String label,
    double confidence,
    @Nullable Map<String, Double> probabilities,
    InputProfile input,
    double latencyMillis,
    Instant predictedAt)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.prediction.v1";

  /** Kafka topic. */
  public static final String TOPIC = Topics.PREDICTIONS;

  /**
   * A privacy-preserving profile of an input, compared against the model's {@code
   * reference_profile.json}.
   *
   * @param textLength the text's length in characters
   * @param tokenCount tokens after tokenization (before truncation)
   * @param embeddingProjections the pooled embedding projected on the reference profile's k random
   *     directions
   */
  public record InputProfile(
      int textLength, @Nullable Integer tokenCount, @Nullable List<Double> embeddingProjections) {

    /** Checks every field. */
    public InputProfile {
      Require.nonNegative(textLength, "textLength");
      Require.nonNegativeIfPresent(tokenCount, "tokenCount");
      embeddingProjections = Require.listIfPresent(embeddingProjections, "embeddingProjections");
      if (embeddingProjections != null) {
        for (int i = 0; i < embeddingProjections.size(); i++) {
          Require.finite(embeddingProjections.get(i), "embeddingProjections[" + i + "]");
        }
      }
    }
  }

  /** Checks every field; see the component descriptions. */
  public Prediction {
    Require.nonBlank(requestId, "requestId");
    Require.name(modelName, "modelName");
    Require.nonBlank(modelVersion, "modelVersion");
    Require.present(arm, "arm");
    Require.nonBlankIfPresent(routingKey, "routingKey");
    Require.nonBlank(label, "label");
    Require.fraction(confidence, "confidence");
    probabilities = Require.metricsIfPresent(probabilities, "probabilities");
    if (probabilities != null) {
      probabilities.forEach((name, p) -> Require.fraction(p, "probabilities[" + name + "]"));
    }
    Require.present(input, "input");
    Require.nonNegative(latencyMillis, "latencyMillis");
    Require.present(predictedAt, "predictedAt");
  }

  @Override
  public String key() {
    return modelName;
  }
}
