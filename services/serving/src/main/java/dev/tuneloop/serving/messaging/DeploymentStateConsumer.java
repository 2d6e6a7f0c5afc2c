package dev.tuneloop.serving.messaging;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.InvalidEventException;
import dev.tuneloop.serving.domain.DeployedModels;
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
 * Follows {@code tuneloop.deployment.state}: hands each state to {@link DeployedModels}, which
 * loads on its own thread, and acknowledges at once. States of models this gateway does not serve,
 * and states not newer than one already seen, are skipped. An undecodable record is nacked and so
 * lands on {@code tuneloop.deployment.state.dlq} with its cause.
 *
 * <p>Every replica reads the whole compacted topic from the start (its consumer group is unique per
 * process), so a restarted gateway rebuilds what to serve from it.
 */
@ApplicationScoped
public class DeploymentStateConsumer {

  private static final Logger LOG = Logger.getLogger(DeploymentStateConsumer.class);

  private final DeployedModels models;

  DeploymentStateConsumer(DeployedModels models) {
    this.models = models;
  }

  /** Takes one deployment state. */
  @Incoming("deployment-state")
  @Blocking
  public CompletionStage<Void> consume(Message<byte[]> message) {
    Headers headers =
        message
            .getMetadata(IncomingKafkaRecordMetadata.class)
            .map(m -> (Headers) m.getHeaders())
            .orElseGet(RecordHeaders::new);
    if (message.getPayload() == null) {
      // A tombstone: compaction's way of deleting a model's state. Nothing to load.
      return message.ack();
    }
    EventEnvelope<DeploymentState> event;
    try {
      event = EventEnvelope.decode(headers, message.getPayload(), DeploymentState.class);
    } catch (InvalidEventException e) {
      return message.nack(e);
    }
    DeploymentState state = event.data();
    if (models.offer(state, event.metadata().correlationId())) {
      LOG.infof("deployment state of %s, revision %d", state.modelName(), state.revision());
    }
    return message.ack();
  }
}
