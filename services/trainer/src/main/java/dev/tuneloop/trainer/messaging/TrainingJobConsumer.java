package dev.tuneloop.trainer.messaging;

import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.Topics;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.trainer.config.TrainerConfig;
import dev.tuneloop.trainer.domain.JobTracker;
import dev.tuneloop.trainer.domain.TrainingJobRunner;
import dev.tuneloop.trainer.domain.TrainingJobRunner.Outcome;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Takes training jobs from {@code tuneloop.training.requested}, one at a time, with a plain Kafka
 * consumer in the group {@code tuneloop.trainer.consumer-group}.
 *
 * <p>Why not a SmallRye channel: a job runs for minutes to hours, and its offset must not be
 * committed before the job ended, or a worker killed mid-job would lose it. So the record's
 * partitions are paused while the job runs on its own thread and the consumer keeps polling
 * (nothing arrives; the poll keeps the worker in the group), and the offset is committed when the
 * job is finished. If the worker dies, Kafka gives the partition to another worker (or the
 * restarted one) after the session timeout, the record is delivered again, and the job resumes from
 * its newest checkpoint in the object store. If this worker loses the partition while training (a
 * rebalance, a shutdown), the job stops after a checkpoint and is left for the new owner.
 *
 * <p>An undecodable record goes to {@code tuneloop.training.requested.dlq} with its cause in the
 * {@code dead-letter-*} headers SmallRye uses, and its offset is committed.
 */
@Singleton
public class TrainingJobConsumer {

  private static final Logger LOG = Logger.getLogger(TrainingJobConsumer.class);
  private static final String TOPIC = Topics.TRAINING_REQUESTED;

  private final TrainerConfig config;
  private final String bootstrapServers;
  private final TrainingJobRunner runner;
  private final EventPublisher publisher;
  private final ActiveJobs active;
  private final AtomicBoolean givenUp = new AtomicBoolean();
  private final ExecutorService jobThread =
      Executors.newSingleThreadExecutor(
          r -> {
            // A platform thread: libtorch state is per native thread (see shared/ml README).
            Thread t = new Thread(r, "trainer-job");
            t.setDaemon(true);
            return t;
          });
  private final java.util.regex.Pattern modelFilter;
  private volatile boolean stopping;
  private Thread thread;
  private Current current;

  private record Current(ConsumerRecord<String, byte[]> record, Future<Outcome> future) {
    TopicPartition partition() {
      return new TopicPartition(record.topic(), record.partition());
    }
  }

  TrainingJobConsumer(
      TrainerConfig config,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
      TrainingJobRunner runner,
      EventPublisher publisher,
      ActiveJobs active) {
    this.config = config;
    this.bootstrapServers = bootstrapServers;
    this.runner = runner;
    this.publisher = publisher;
    this.active = active;
    this.modelFilter = config.modelFilter().map(java.util.regex.Pattern::compile).orElse(null);
  }

  void onStart(@Observes StartupEvent start) {
    if (!config.consume()) {
      LOG.info("tuneloop.trainer.consume=false: not taking jobs from Kafka");
      return;
    }
    thread = new Thread(this::loop, "trainer-consumer");
    thread.setDaemon(true);
    thread.start();
  }

  void onStop(@Observes ShutdownEvent stop) throws InterruptedException {
    stopping = true;
    // A running job stops after a checkpoint and is resumed by another worker.
    givenUp.set(true);
    if (thread != null) {
      thread.join(Duration.ofSeconds(90).toMillis());
    }
    jobThread.shutdownNow();
  }

  private void loop() {
    while (!stopping) {
      try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
        consume(consumer);
      } catch (RuntimeException e) {
        if (stopping) {
          break;
        }
        LOG.errorf(e, "training-job consumer failed; reconnecting in 5 s");
        sleep(Duration.ofSeconds(5));
      }
    }
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG,
            config.consumerGroup(),
            ConsumerConfig.CLIENT_ID_CONFIG,
            "tuneloop-trainer-" + runnerWorkerId(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            config.autoOffsetReset(),
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            1,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            (int) config.sessionTimeout().toMillis(),
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
            (int) Math.max(500, config.sessionTimeout().toMillis() / 5),
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            CooperativeStickyAssignor.class.getName()),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private String runnerWorkerId() {
    return config.workerId().orElse(String.valueOf(ProcessHandle.current().pid()));
  }

  private void consume(KafkaConsumer<String, byte[]> consumer) {
    consumer.subscribe(
        List.of(TOPIC),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            lose(partitions);
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            lose(partitions);
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (current != null) {
              consumer.pause(partitions);
            }
            commitStartingPositions(consumer, partitions);
          }
        });
    while (!stopping || current != null) {
      ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
      for (ConsumerRecord<String, byte[]> record : records) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (current != null || stopping) {
          // Busy (or stopping): read it again later.
          consumer.seek(partition, record.offset());
          consumer.pause(List.of(partition));
          continue;
        }
        take(consumer, record);
      }
      if (current != null && current.future().isDone()) {
        finish(consumer);
      }
    }
  }

  /**
   * A group's first member commits where it starts, so a worker that dies before the first job ends
   * does not leave the group without an offset (with {@code latest} the job would be skipped).
   */
  private static void commitStartingPositions(
      KafkaConsumer<String, byte[]> consumer, Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        consumer.committed(new java.util.HashSet<>(partitions));
    Map<TopicPartition, OffsetAndMetadata> start = new java.util.HashMap<>();
    for (TopicPartition tp : partitions) {
      if (committed.get(tp) == null) {
        start.put(tp, new OffsetAndMetadata(consumer.position(tp)));
      }
    }
    if (!start.isEmpty()) {
      consumer.commitSync(start);
    }
  }

  private void lose(Collection<TopicPartition> partitions) {
    Current c = current;
    if (c != null && partitions.contains(c.partition())) {
      LOG.warnf(
          "partition %s taken from this worker while job %s runs; handing it over",
          c.partition(), c.record().key());
      givenUp.set(true);
    }
  }

  private void take(KafkaConsumer<String, byte[]> consumer, ConsumerRecord<String, byte[]> record) {
    EventEnvelope<TrainingRequested> event;
    try {
      event = EventEnvelope.decode(record.headers(), record.value(), TrainingRequested.class);
    } catch (RuntimeException e) {
      deadLetter(record, e);
      commit(consumer, record);
      return;
    }
    if (modelFilter != null && !modelFilter.matcher(event.data().modelName()).matches()) {
      LOG.debugf(
          "skipping job %s of model %s (model filter)",
          event.data().jobId(), event.data().modelName());
      commit(consumer, record);
      return;
    }
    JobTracker tracker = runner.newTracker(event.data());
    givenUp.set(false);
    active.add(tracker);
    Future<Outcome> future =
        jobThread.submit(
            () -> {
              try {
                return runner.run(event, tracker, givenUp::get);
              } finally {
                active.remove(tracker);
              }
            });
    current = new Current(record, future);
    consumer.pause(consumer.assignment());
    LOG.infof(
        "took job %s (partition %d, offset %d)",
        event.data().jobId(), record.partition(), record.offset());
  }

  private void finish(KafkaConsumer<String, byte[]> consumer) {
    Current c = current;
    Outcome outcome;
    try {
      outcome = c.future().get();
    } catch (ExecutionException e) {
      LOG.errorf(e.getCause(), "job %s ended unexpectedly; it is taken again", c.record().key());
      outcome = Outcome.RETRY;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = Outcome.HANDED_OVER;
    }
    current = null;
    switch (outcome) {
      case FINISHED, ALREADY_DONE -> commit(consumer, c.record());
      case HANDED_OVER -> LOG.infof("job %s left to the next owner", c.record().key());
      case RETRY -> {
        if (!givenUp.get()) {
          consumer.seek(c.partition(), c.record().offset());
          sleep(Duration.ofSeconds(5));
        }
      }
    }
    consumer.resume(consumer.paused());
  }

  private void commit(KafkaConsumer<String, byte[]> consumer, ConsumerRecord<String, byte[]> r) {
    try {
      consumer.commitSync(
          Map.of(
              new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
    } catch (KafkaException e) {
      // The partition moved on; its new owner sees the job's recorded result and skips it.
      LOG.warnf("cannot commit offset %d of partition %d: %s", r.offset(), r.partition(), e);
    }
  }

  private void deadLetter(ConsumerRecord<String, byte[]> record, RuntimeException cause) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    headers.add("dead-letter-reason", utf8(reason));
    headers.add("dead-letter-exception-class-name", utf8(cause.getClass().getName()));
    if (cause.getCause() != null) {
      headers.add("dead-letter-cause", utf8(String.valueOf(cause.getCause().getMessage())));
      headers.add("dead-letter-cause-class-name", utf8(cause.getCause().getClass().getName()));
    }
    headers.add("dead-letter-topic", utf8(record.topic()));
    headers.add("dead-letter-partition", utf8(Integer.toString(record.partition())));
    headers.add("dead-letter-offset", utf8(Long.toString(record.offset())));
    publisher.send(
        new ProducerRecord<>(Topics.dlq(TOPIC), null, record.key(), record.value(), headers),
        "dead letter of offset " + record.offset());
    LOG.warnf(
        "undecodable training request at partition %d offset %d sent to %s: %s",
        record.partition(), record.offset(), Topics.dlq(TOPIC), reason);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
