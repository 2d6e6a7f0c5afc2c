package dev.tuneloop.serving.it;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.InvalidEventException;
import dev.tuneloop.events.TuneloopEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a shared topic from the moment it was opened, keeping only this test's events: other
 * services' tests write to the same topics at the same time.
 */
final class TopicTail<T extends TuneloopEvent> implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final Class<T> type;
  private final Predicate<EventEnvelope<T>> mine;
  private final List<EventEnvelope<T>> seen = new ArrayList<>();

  TopicTail(String bootstrap, String topic, Class<T> type, Predicate<EventEnvelope<T>> mine) {
    this.type = type;
    this.mine = mine;
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-serving-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end offsets now, not at the first poll
  }

  /** Polls until {@code done} holds for this test's events so far, or the timeout. */
  List<EventEnvelope<T>> awaitUntil(Predicate<List<EventEnvelope<T>>> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(seen) && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        try {
          EventEnvelope<T> event = EventEnvelope.fromConsumerRecord(record, type);
          if (mine.test(event)) {
            seen.add(event);
          }
        } catch (InvalidEventException e) {
          // someone else's broken record; not this test's concern
        }
      }
    }
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
