package dev.tuneloop.events;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The true label of an earlier prediction, from the feedback API. It may arrive long after the
 * prediction; the monitor joins them by request id.
 *
 * <p>Producer: serving (feedback API). Consumer: monitor. Key: the model name.
 *
 * @param requestId the prediction's request id
 * @param modelName the registered model that answered
 * @param trueLabel the correct label
 * @param annotator who provided the label, when known
 * @param receivedAt when the feedback was received
 */
public record Feedback(
    String requestId,
    String modelName,
    String trueLabel,
    @Nullable String annotator,
    Instant receivedAt)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.feedback.v1";

  /** Kafka topic. */
  public static final String TOPIC = Topics.FEEDBACK;

  /** Checks every field; see the component descriptions. */
  public Feedback {
    Require.nonBlank(requestId, "requestId");
    Require.name(modelName, "modelName");
    Require.nonBlank(trueLabel, "trueLabel");
    Require.nonBlankIfPresent(annotator, "annotator");
    Require.present(receivedAt, "receivedAt");
  }

  @Override
  public String key() {
    return modelName;
  }
}
