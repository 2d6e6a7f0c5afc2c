package dev.tuneloop.loop;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.InvalidEventException;
import dev.tuneloop.events.Topics;
import dev.tuneloop.events.TuneloopEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything published on tuneloop's topics since a point in time, decoded, in arrival order: what
 * the demo prints and what the end-to-end test asserts on. A background thread reads every event
 * topic and every dead-letter topic without a consumer group (so it never takes messages from a
 * service).
 */
public final class EventLog implements AutoCloseable {

  /** An event as seen on its topic. */
  public record Seen(String topic, EventEnvelope<TuneloopEvent> envelope, Instant seenAt) {

    /** The event's data. */
    public TuneloopEvent event() {
      return envelope.data();
    }
  }

  /** A record on a dead-letter topic: where it came from and why it failed. */
  public record DeadLetter(String topic, String key, String reason, Instant seenAt) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread reader;
  private final List<Seen> events = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private final List<Consumer<Seen>> listeners = new ArrayList<>();
  private volatile boolean running = true;

  /**
   * Starts reading every topic from {@code since}.
   *
   * @param bootstrapServers Kafka
   * @param since the earliest publication time of interest
   */
  public EventLog(String bootstrapServers, Instant since) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "tuneloop-event-log");
    consumer = new KafkaConsumer<>(properties);
    List<TopicPartition> partitions = new ArrayList<>();
    for (Topics.TopicSpec spec : Topics.all()) {
      if (spec.name().startsWith(Topics.RAW_NOTIFICATIONS)) {
        continue;
      }
      List<PartitionInfo> infos = consumer.partitionsFor(spec.name(), Duration.ofSeconds(30));
      if (infos == null) {
        continue;
      }
      infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(partition -> query.put(partition, since.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> offsets =
        consumer.offsetsForTimes(query, Duration.ofSeconds(30));
    List<TopicPartition> atEnd = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      OffsetAndTimestamp offset = offsets.get(partition);
      if (offset == null) {
        atEnd.add(partition);
      } else {
        consumer.seek(partition, offset.offset());
      }
    }
    consumer.seekToEnd(atEnd);
    atEnd.forEach(consumer::position); // resolve now, before anything new is published
    reader = new Thread(this::read, "tuneloop-event-log");
    reader.setDaemon(true);
    reader.start();
  }

  /** Calls {@code listener} for every event seen from now on (on the reader thread). */
  public synchronized void onEvent(Consumer<Seen> listener) {
    listeners.add(listener);
  }

  private void read() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          accept(record);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    Instant now = Instant.now();
    if (record.topic().endsWith(Topics.DLQ_SUFFIX)) {
      var reason = record.headers().lastHeader("dead-letter-reason");
      synchronized (this) {
        deadLetters.add(
            new DeadLetter(
                record.topic(),
                record.key(),
                reason == null ? "(no reason header)" : new String(reason.value()),
                now));
        notifyAll();
      }
      return;
    }
    Seen seen;
    try {
      seen = new Seen(record.topic(), EventEnvelope.fromConsumerRecord(record), now);
    } catch (InvalidEventException e) {
      return; // not ours to judge; the consuming service dead-letters it
    }
    List<Consumer<Seen>> toCall;
    synchronized (this) {
      events.add(seen);
      toCall = List.copyOf(listeners);
      notifyAll();
    }
    for (Consumer<Seen> listener : toCall) {
      listener.accept(seen);
    }
  }

  /** How many events have been seen; a mark for {@link #await} to look only at later ones. */
  public synchronized int mark() {
    return events.size();
  }

  /** Every event of a type seen so far, in arrival order. */
  public synchronized <T extends TuneloopEvent> List<T> all(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Seen seen : events) {
      if (type.isInstance(seen.event())) {
        out.add(type.cast(seen.event()));
      }
    }
    return out;
  }

  /** Every event seen so far, in arrival order. */
  public synchronized List<Seen> seen() {
    return List.copyOf(events);
  }

  /** Every dead-lettered record seen so far. */
  public synchronized List<DeadLetter> deadLetters() {
    return List.copyOf(deadLetters);
  }

  /**
   * Waits for the first event of {@code type} at or after {@code from} (a {@link #mark}) that
   * matches.
   *
   * @param what says what is awaited, for the timeout message
   * @throws TimeoutException naming {@code what} and the last events seen
   */
  public <T extends TuneloopEvent> T await(
      Class<T> type, Predicate<T> matches, int from, Duration timeout, String what)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      int next = from;
      while (true) {
        for (; next < events.size(); next++) {
          TuneloopEvent event = events.get(next).event();
          if (type.isInstance(event) && matches.test(type.cast(event))) {
            return type.cast(event);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "waited "
                  + timeout.toSeconds()
                  + " s for "
                  + what
                  + "; last events: "
                  + tail(5)
                  + (deadLetters.isEmpty() ? "" : "; dead letters: " + deadLetters));
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  private String tail(int count) {
    List<String> out = new ArrayList<>();
    for (int i = Math.max(0, events.size() - count); i < events.size(); i++) {
      out.add(events.get(i).envelope().metadata().type() + " " + events.get(i).event().key());
    }
    return out.toString();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
