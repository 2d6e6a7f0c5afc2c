package dev.tuneloop.monitor.messaging;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.TuneloopEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes tuneloop events with their CloudEvents headers ({@link
 * EventEnvelope#toProducerRecord()}) and waits for the broker, so callers only report success once
 * the event is durable.
 */
@ApplicationScoped
public class EventPublisher {

  private final KafkaProducer<String, byte[]> producer;

  EventPublisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                60_000,
                ProducerConfig.CLIENT_ID_CONFIG,
                "tuneloop-monitor"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /**
   * Sends the event and waits for the acknowledgement.
   *
   * @throws IllegalStateException if Kafka does not acknowledge within a minute
   */
  public void publish(EventEnvelope<? extends TuneloopEvent> event) {
    try {
      producer.send(event.toProducerRecord()).get(70, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing " + event.metadata().type(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Kafka did not acknowledge "
              + event.metadata().type()
              + " for "
              + event.metadata().subject()
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
