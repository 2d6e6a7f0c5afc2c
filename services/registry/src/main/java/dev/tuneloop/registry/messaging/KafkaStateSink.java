package dev.tuneloop.registry.messaging;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.registry.domain.StateSink;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes deployment states to the compacted {@code tuneloop.deployment.state} topic (key = model
 * name, CloudEvents headers) and waits for the broker. A state caused by an event keeps that
 * event's correlation id ({@link #causedBy}); others start a new one. Counts the changes by action
 * in {@code tuneloop_registry_rollout_changes_total} ({@code /q/metrics}).
 */
@ApplicationScoped
public class KafkaStateSink implements StateSink {

  static final String SOURCE = "tuneloop-registry";

  private final KafkaProducer<String, byte[]> producer;
  private final ThreadLocal<EventEnvelope<?>> cause = new ThreadLocal<>();

  private final MeterRegistry meters;

  KafkaStateSink(
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
      MeterRegistry meters) {
    this.meters = meters;
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                // must be at least linger.ms + request.timeout.ms (30 s), or the producer refuses
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                60_000,
                ProducerConfig.CLIENT_ID_CONFIG,
                "tuneloop-registry"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /** Runs {@code work}; states it publishes on this thread carry {@code event}'s correlation id. */
  public <T> T causedBy(EventEnvelope<?> event, Supplier<T> work) {
    cause.set(event);
    try {
      return work.get();
    } finally {
      cause.remove();
    }
  }

  @Override
  public void publish(DeploymentState state) {
    EventEnvelope<?> origin = cause.get();
    EventEnvelope<DeploymentState> event =
        origin == null
            ? EventEnvelope.startLoop(state, SOURCE)
            : EventEnvelope.causedBy(origin, state, SOURCE);
    try {
      producer.send(event.toProducerRecord()).get(70, TimeUnit.SECONDS);
      if (!state.history().isEmpty()) {
        DeploymentState.AuditEntry last = state.history().get(state.history().size() - 1);
        meters
            .counter(
                "tuneloop.registry.rollout.changes",
                "action",
                last.action().name().toLowerCase(java.util.Locale.ROOT),
                "automatic",
                Boolean.toString("registry".equals(last.actor())))
            .increment();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing the deployment state", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Kafka did not acknowledge deployment state r"
              + state.revision()
              + " of "
              + state.modelName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @PreDestroy
  void close() {
    producer.close();
  }
}
