package dev.tuneloop.registry.messaging;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.InvalidEventException;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.registry.domain.IntakeResult;
import dev.tuneloop.registry.domain.RolloutEngine;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code tuneloop.model.evaluated}: a pass is registered in MLflow and rolled out (or
 * queued); a fail is ignored. Idempotent on the event id and on the candidate (run and source). An
 * undecodable event or a failed registration is nacked and lands on {@code
 * tuneloop.model.evaluated.dlq} with its cause.
 */
@ApplicationScoped
public class ModelEvaluatedConsumer {

  private static final Logger LOG = Logger.getLogger(ModelEvaluatedConsumer.class);

  private final RolloutEngine engine;
  private final KafkaStateSink sink;

  ModelEvaluatedConsumer(RolloutEngine engine, KafkaStateSink sink) {
    this.engine = engine;
    this.sink = sink;
  }

  /** Registers and rolls out one verdict. */
  @Incoming("model-evaluated")
  @Blocking
  public CompletionStage<Void> consume(Message<byte[]> message) {
    Headers headers =
        message
            .getMetadata(IncomingKafkaRecordMetadata.class)
            .map(m -> (Headers) m.getHeaders())
            .orElseGet(RecordHeaders::new);
    String key =
        message
            .getMetadata(IncomingKafkaRecordMetadata.class)
            .map(m -> m.getKey() == null ? null : m.getKey().toString())
            .orElse(null);
    if (key != null && !engine.handles(key)) {
      return message.ack();
    }
    EventEnvelope<ModelEvaluated> event;
    try {
      event = EventEnvelope.decode(headers, message.getPayload(), ModelEvaluated.class);
    } catch (InvalidEventException e) {
      return message.nack(e);
    }
    try {
      ModelEvaluated verdict = event.data();
      IntakeResult result =
          sink.causedBy(event, () -> engine.onEvaluated(event.metadata().id(), verdict));
      LOG.infof(
          "model.evaluated %s job %s (%s): %s",
          verdict.modelName(), verdict.jobId(), verdict.verdict(), result);
      return message.ack();
    } catch (RuntimeException e) {
      return message.nack(
          new IllegalStateException(
              "registering "
                  + event.data().modelName()
                  + " job "
                  + event.data().jobId()
                  + " failed: "
                  + e.getMessage(),
              e));
    }
  }
}
