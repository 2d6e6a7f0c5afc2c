package dev.tuneloop.registry.messaging;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.InvalidEventException;
import dev.tuneloop.events.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads the compacted {@code tuneloop.deployment.state} topic from the beginning to its current
 * end, without a consumer group, and keeps the newest revision per model: the state a restarted
 * registry continues from. Records that do not decode are skipped with a warning (they cannot be
 * states this registry wrote).
 */
public final class DeploymentStateReader {

  private static final Logger LOG = Logger.getLogger(DeploymentStateReader.class);

  private final String bootstrapServers;

  /** A reader of the topic on {@code bootstrapServers}. */
  public DeploymentStateReader(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  /** The newest state of every model accepted by {@code models}, read up to the topic's end. */
  public Collection<DeploymentState> readAll(Predicate<String> models, Duration timeout) {
    Map<String, DeploymentState> latest = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG,
                "tuneloop-registry-state-reader"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.DEPLOYMENT_STATE, timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reachedEnd(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + Topics.DEPLOYMENT_STATE + " to its end within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.key() == null || !models.test(record.key()) || record.value() == null) {
            continue;
          }
          try {
            DeploymentState state =
                EventEnvelope.fromConsumerRecord(record, DeploymentState.class).data();
            latest.merge(state.modelName(), state, (a, b) -> a.revision() >= b.revision() ? a : b);
          } catch (InvalidEventException e) {
            LOG.warnf(
                "skipping undecodable deployment state at %s-%d@%d: %s",
                record.topic(), record.partition(), record.offset(), e.getMessage());
          }
        }
      }
    }
    return latest.values();
  }

  private static boolean reachedEnd(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }
}
