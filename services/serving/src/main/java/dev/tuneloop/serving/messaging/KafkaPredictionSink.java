package dev.tuneloop.serving.messaging;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.EventMetadata;
import dev.tuneloop.serving.domain.FeedbackIntake;
import dev.tuneloop.serving.domain.LoggedPrediction;
import dev.tuneloop.serving.domain.PredictionLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Sends predictions to {@code tuneloop.predictions} with a batching, asynchronous Kafka producer
 * (linger, lz4). Called only from the {@link PredictionLog}'s thread, so a slow or absent broker
 * never reaches a caller.
 */
public final class KafkaPredictionSink implements PredictionLog.Sink, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KafkaPredictionSink.class);

  private final KafkaProducer<String, byte[]> producer;

  /**
   * @param bootstrapServers the Kafka brokers
   * @param linger how long the producer waits to fill a batch
   */
  public KafkaPredictionSink(String bootstrapServers, Duration linger) {
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                (int) linger.toMillis(),
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4",
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                5_000,
                ProducerConfig.CLIENT_ID_CONFIG,
                "tuneloop-serving-predictions"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @Override
  public void send(List<LoggedPrediction> batch, Runnable failed) {
    for (LoggedPrediction logged : batch) {
      EventMetadata metadata =
          logged.correlationId() == null
              ? EventMetadata.startLoop(logged.prediction(), FeedbackIntake.SOURCE)
              : EventMetadata.forEvent(
                  logged.prediction(), FeedbackIntake.SOURCE, logged.correlationId());
      producer.send(
          new EventEnvelope<>(metadata, logged.prediction()).toProducerRecord(),
          (result, error) -> {
            if (error != null) {
              failed.run();
              LOG.debugf("prediction %s not delivered: %s", logged.prediction().requestId(), error);
            }
          });
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
