package dev.tuneloop.serving.domain;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.EventMetadata;
import dev.tuneloop.events.Feedback;
import dev.tuneloop.serving.domain.RequestRejectedException.Reason;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns feedback requests into {@link Feedback} events. The label is checked against the labels of
 * the deployed versions when the model is loaded here; unknown models are accepted (the prediction
 * may come from another replica or an earlier deployment).
 */
public final class FeedbackIntake {

  /** The CloudEvents source of events from this service. */
  public static final String SOURCE = "tuneloop/serving";

  private final DeployedModels models;
  private final Consumer<EventEnvelope<Feedback>> publisher;
  private final Clock clock;

  /**
   * @param models what is deployed (for the label check)
   * @param publisher publishes the event and returns once it is durable
   * @param clock the receipt time
   */
  public FeedbackIntake(
      DeployedModels models, Consumer<EventEnvelope<Feedback>> publisher, Clock clock) {
    this.models = models;
    this.publisher = publisher;
    this.clock = clock;
  }

  /**
   * Validates and publishes one piece of feedback.
   *
   * @throws RequestRejectedException 400 when a field is missing, 422 when the label is unknown
   */
  public Feedback submit(
      @Nullable String requestId,
      @Nullable String modelName,
      @Nullable String trueLabel,
      @Nullable String annotator) {
    if (requestId == null || requestId.isBlank()) {
      throw RequestRejectedException.of(Reason.BAD_REQUEST, "requestId is missing");
    }
    if (requestId.length() > 200) {
      throw RequestRejectedException.of(Reason.BAD_REQUEST, "requestId is longer than 200");
    }
    Gateway.checkModelName(modelName);
    if (trueLabel == null || trueLabel.isBlank()) {
      throw RequestRejectedException.of(Reason.BAD_REQUEST, "label is missing");
    }
    if (annotator != null && annotator.isBlank()) {
      throw RequestRejectedException.of(
          Reason.BAD_REQUEST, "annotator is blank (leave it out instead)");
    }
    Deployment deployment = models.deployment(modelName).orElse(null);
    if (deployment != null) {
      Set<String> labels = new LinkedHashSet<>();
      deployment.handles().forEach(h -> labels.addAll(h.model().labels()));
      if (!labels.contains(trueLabel)) {
        throw RequestRejectedException.of(
            Reason.UNPROCESSABLE,
            "label '" + trueLabel + "' is not one of " + modelName + "'s labels " + labels);
      }
    }
    Feedback feedback = new Feedback(requestId, modelName, trueLabel, annotator, clock.instant());
    EventMetadata metadata =
        deployment == null
            ? EventMetadata.startLoop(feedback, SOURCE)
            : EventMetadata.forEvent(feedback, SOURCE, deployment.correlationId());
    publisher.accept(new EventEnvelope<>(metadata, feedback));
    return feedback;
  }
}
