package dev.tuneloop.registry.messaging;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.InvalidEventException;
import dev.tuneloop.events.ModelHealth;
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
 * Consumes {@code tuneloop.model.health}: each window of a champion or challenger in a running
 * rollout is counted and the step decided. An undecodable event goes to {@code
 * tuneloop.model.health.dlq}. A decision that cannot be applied (MLflow or Kafka down) keeps the
 * counted window and is retried by the periodic decision of {@link RegistryStartup}.
 */
@ApplicationScoped
public class ModelHealthConsumer {

  private static final Logger LOG = Logger.getLogger(ModelHealthConsumer.class);

  private final RolloutEngine engine;
  private final KafkaStateSink sink;

  ModelHealthConsumer(RolloutEngine engine, KafkaStateSink sink) {
    this.engine = engine;
    this.sink = sink;
  }

  /** Counts one health window. */
  @Incoming("model-health")
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
    EventEnvelope<ModelHealth> event;
    try {
      event = EventEnvelope.decode(headers, message.getPayload(), ModelHealth.class);
    } catch (InvalidEventException e) {
      return message.nack(e);
    }
    try {
      sink.causedBy(event, () -> engine.onHealth(event.data()));
    } catch (RuntimeException e) {
      LOG.errorf(
          e,
          "applying the rollout decision of %s failed; the window is counted and the decision"
              + " is retried",
          event.data().modelName());
    }
    return message.ack();
  }
}
