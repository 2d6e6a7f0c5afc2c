package dev.tuneloop.evaluator.messaging;

import dev.tuneloop.evaluator.config.EvaluatorConfig;
import dev.tuneloop.evaluator.domain.EvaluationStore;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.InvalidEventException;
import dev.tuneloop.events.ModelTrained;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code tuneloop.model.trained}: records the request, hands it to the {@link
 * EvaluationWorker} and acknowledges at once (an evaluation may outlast Kafka's patience).
 * Duplicates are dropped on the event id and on the natural key (model, job): a job with a
 * published verdict is not queued again. An undecodable event, or one that cannot be queued, is
 * nacked and so lands on {@code tuneloop.model.trained.dlq} with its cause.
 */
@ApplicationScoped
public class ModelTrainedConsumer {

  private static final Logger LOG = Logger.getLogger(ModelTrainedConsumer.class);
  private static final int SEEN_IDS = 10_000;

  private final EvaluationStore store;
  private final EvaluationWorker worker;
  private final Pattern modelFilter;
  private final Set<String> seenEventIds =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > SEEN_IDS;
                }
              }));

  ModelTrainedConsumer(EvaluationStore store, EvaluationWorker worker, EvaluatorConfig config) {
    this.store = store;
    this.worker = worker;
    this.modelFilter = Pattern.compile(config.modelFilter());
  }

  /** Records and queues one candidate. */
  @Incoming("model-trained")
  @Blocking
  public CompletionStage<Void> consume(Message<byte[]> message) {
    Headers headers =
        message
            .getMetadata(IncomingKafkaRecordMetadata.class)
            .map(m -> (Headers) m.getHeaders())
            .orElseGet(RecordHeaders::new);
    EventEnvelope<ModelTrained> event;
    try {
      event = EventEnvelope.decode(headers, message.getPayload(), ModelTrained.class);
    } catch (InvalidEventException e) {
      return message.nack(e);
    }
    ModelTrained candidate = event.data();
    if (!modelFilter.matcher(candidate.modelName()).matches()) {
      return message.ack();
    }
    if (!seenEventIds.add(event.metadata().id().toString())) {
      LOG.debugf("duplicate event %s ignored", event.metadata().id());
      return message.ack();
    }
    var report = store.report(candidate.modelName(), candidate.jobId());
    if (report.isPresent() && store.isPublished(report.get())) {
      LOG.infof(
          "%s job %s was evaluated already (%s); duplicate model.trained ignored",
          candidate.modelName(),
          candidate.jobId(),
          report.get().verdict().name().toLowerCase(java.util.Locale.ROOT));
      return message.ack();
    }
    EvaluationStore.Request request =
        new EvaluationStore.Request(
            candidate,
            event.metadata().id().toString(),
            event.metadata().correlationId(),
            Instant.now());
    if (store.request(candidate.modelName(), candidate.jobId()).isEmpty()) {
      store.saveRequest(request);
    }
    try {
      worker.submit(request);
    } catch (RejectedExecutionException e) {
      return message.nack(
          new IllegalStateException(
              "evaluation queue is full; job "
                  + candidate.jobId()
                  + " is recorded and is evaluated at the next start",
              e));
    }
    return message.ack();
  }
}
