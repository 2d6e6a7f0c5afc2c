package dev.tuneloop.curation.messaging;

import dev.tuneloop.curation.domain.CurationPipeline;
import dev.tuneloop.curation.domain.DatasetRepository;
import dev.tuneloop.events.DataIngested;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.InvalidEventException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code tuneloop.data.ingested}: records the batch, hands it to the {@link
 * CurationWorker} and acknowledges at once (curation may outlast Kafka's patience). An undecodable
 * event, or one that cannot be queued, is nacked and so lands on {@code tuneloop.data.ingested.dlq}
 * with its cause.
 */
@ApplicationScoped
public class DataIngestedConsumer {

  private final DatasetRepository repository;
  private final CurationWorker worker;

  DataIngestedConsumer(DatasetRepository repository, CurationWorker worker) {
    this.repository = repository;
    this.worker = worker;
  }

  /** Records and queues one batch. */
  @Incoming("data-ingested")
  @Blocking
  public CompletionStage<Void> consume(Message<byte[]> message) {
    Headers headers =
        message
            .getMetadata(IncomingKafkaRecordMetadata.class)
            .map(m -> (Headers) m.getHeaders())
            .orElseGet(RecordHeaders::new);
    EventEnvelope<DataIngested> event;
    try {
      event = EventEnvelope.decode(headers, message.getPayload(), DataIngested.class);
    } catch (InvalidEventException e) {
      return message.nack(e);
    }
    DataIngested batch = event.data();
    if (repository.batchStatus(batch.dataset(), batch.batchId()).isEmpty()) {
      repository.saveBatchStatus(CurationPipeline.received(batch));
    }
    try {
      worker.submit(event);
    } catch (RejectedExecutionException e) {
      return message.nack(
          new IllegalStateException(
              "curation queue is full; batch "
                  + batch.batchId()
                  + " is recorded as RECEIVED and is picked up at the next start",
              e));
    }
    return message.ack();
  }
}
