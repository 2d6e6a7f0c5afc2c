package dev.tuneloop.monitor.messaging;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.Feedback;
import dev.tuneloop.events.InvalidEventException;
import dev.tuneloop.events.Prediction;
import dev.tuneloop.monitor.domain.MonitorEngine;
import dev.tuneloop.monitor.domain.WindowReport;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code tuneloop.predictions} and {@code tuneloop.feedback} (keyed by model, so the
 * consumer group spreads models over replicas) into the {@link MonitorEngine}; publishes the
 * windows a prediction fills. Undecodable events are nacked onto the dead-letter topics.
 */
@ApplicationScoped
public class PredictionConsumer {

  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(PredictionConsumer.class);

  private final MonitorEngine engine;
  private final ReportPublisher reports;
  private final MonitorMetrics metrics;
  private final ModelFilter filter;
  private final RecentEventIds predictionIds = new RecentEventIds(100_000);
  private final RecentEventIds feedbackIds = new RecentEventIds(100_000);

  PredictionConsumer(
      MonitorEngine engine, ReportPublisher reports, MonitorMetrics metrics, ModelFilter filter) {
    this.filter = filter;
    this.engine = engine;
    this.reports = reports;
    this.metrics = metrics;
  }

  /** One prediction. */
  @Incoming("predictions")
  @Blocking
  public CompletionStage<Void> prediction(Message<byte[]> message) {
    if (!filter.watches(EventDecoding.key(message))) {
      return message.ack();
    }
    EventEnvelope<Prediction> event;
    try {
      event = EventDecoding.decode(message, Prediction.class);
    } catch (InvalidEventException e) {
      return message.nack(e);
    }
    if (predictionIds.firstTime(event.metadata().id())) {
      metrics.prediction(event.data().modelName());
      List<WindowReport> closed = engine.onPrediction(event.data(), Instant.now());
      if (!closed.isEmpty()) {
        try {
          reports.publish(closed);
        } catch (RuntimeException e) {
          // the prediction is counted; its window's report stays queued and the ticker retries it
          LOG.warnf(e, "window report not published yet, retrying: %s", e.getMessage());
        }
      }
    }
    return message.ack();
  }

  /** One feedback. */
  @Incoming("feedback")
  @Blocking
  public CompletionStage<Void> feedback(Message<byte[]> message) {
    if (!filter.watches(EventDecoding.key(message))) {
      return message.ack();
    }
    EventEnvelope<Feedback> event;
    try {
      event = EventDecoding.decode(message, Feedback.class);
    } catch (InvalidEventException e) {
      return message.nack(e);
    }
    if (feedbackIds.firstTime(event.metadata().id())) {
      engine.onFeedback(event.data());
    }
    return message.ack();
  }
}
