package dev.tuneloop.registry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.events.ModelHealth;
import dev.tuneloop.events.TimeWindow;
import dev.tuneloop.events.Topics;
import dev.tuneloop.events.TuneloopEvent;
import dev.tuneloop.tracking.MlflowConnection;
import dev.tuneloop.tracking.TrackingClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the evaluator and the monitor would send, and what the registry publishes, on the real
 * Kafka: verdicts with real MLflow training runs behind them, health windows, and a watcher of the
 * deployment states of one model.
 */
final class RolloutTraffic implements AutoCloseable {

  private final String model;
  private final String bootstrapServers;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> states;
  private final TrackingClient tracking;
  private final MlflowConnection connection;
  private final List<DeploymentState> seen = new ArrayList<>();

  RolloutTraffic(String bootstrapServers, String mlflowUri, String model) {
    this.model = model;
    this.bootstrapServers = bootstrapServers;
    producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
            new StringSerializer(),
            new ByteArraySerializer());
    states =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        states.partitionsFor(Topics.DEPLOYMENT_STATE).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    states.assign(partitions);
    states.seekToBeginning(partitions);
    connection = MlflowConnection.open(mlflowUri);
    tracking = connection.tracking();
  }

  /** A real MLflow training run for a candidate of this model, as the trainer would make. */
  String trainingRun(String jobId) {
    String experiment = tracking.getOrCreateExperiment("tuneloop/" + model);
    String runId =
        tracking
            .startRun(
                experiment,
                "train-" + jobId,
                Map.of("tuneloop.job_id", jobId, "tuneloop.kind", "training"))
            .runId();
    return runId;
  }

  /** A verdict of the evaluator for a candidate of job {@code jobId} with run {@code runId}. */
  ModelEvaluated verdict(String jobId, String runId, boolean pass) {
    List<ModelEvaluated.Reason> reasons =
        List.of(
            new ModelEvaluated.Reason(
                "min_threshold",
                "accuracy",
                0.8,
                pass ? 0.91 : 0.5,
                null,
                null,
                null,
                pass,
                "accuracy must be at least 0.8"));
    return new ModelEvaluated(
        model,
        jobId,
        "s3://tuneloop-models/" + model + "/candidates/" + jobId + "/",
        runId,
        runId,
        "reg-data",
        3,
        Map.of("accuracy", pass ? 0.91 : 0.5, "f1[spam]", 0.88),
        null,
        Map.of(),
        pass ? ModelEvaluated.Verdict.PASS : ModelEvaluated.Verdict.FAIL,
        reasons,
        null,
        Instant.now());
  }

  void publish(TuneloopEvent event) {
    try {
      producer
          .send(EventEnvelope.startLoop(event, "registry-it").toProducerRecord())
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("could not publish " + event, e);
    }
  }

  /** Publishes raw bytes keyed by this model, without CloudEvents headers. */
  void publishRaw(String topic, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, model, value)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("could not publish to " + topic, e);
    }
  }

  /** The dead-letter reason of the first record of this model on {@code dlq} from {@code from}. */
  String awaitDeadLetter(String dlq, Map<TopicPartition, Long> from, Duration timeout) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          Header reason = r.headers().lastHeader("dead-letter-reason");
          if (model.equals(r.key()) && reason != null) {
            return new String(reason.value(), StandardCharsets.UTF_8);
          }
        }
      }
    }
    throw new AssertionError("no dead letter of " + model + " on " + dlq);
  }

  /** The current end offsets of {@code topic}. */
  Map<TopicPartition, Long> endOffsets(String topic) {
    List<TopicPartition> partitions =
        states.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    return states.endOffsets(partitions);
  }

  /** One window of a version: {@code samples} predictions, accuracy on a labelled share. */
  void health(String version, Arm arm, long samples, long labelled, double accuracy, double conf) {
    Instant end = Instant.now();
    publish(
        new ModelHealth(
            model,
            version,
            arm,
            new TimeWindow(end.minusMillis(500), end),
            samples,
            labelled,
            labelled == 0 ? null : accuracy,
            null,
            null,
            conf,
            0.0,
            25.0,
            Map.of("spam", samples * 3 / 10, "ham", samples - samples * 3 / 10),
            Map.of(),
            end));
  }

  /**
   * Polls the state topic until a state of this model matches, calling {@code meanwhile} between
   * polls (e.g. to send health windows), and returns it.
   */
  DeploymentState await(Predicate<DeploymentState> done, Duration timeout, Runnable meanwhile) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : states.poll(Duration.ofMillis(300))) {
        if (model.equals(r.key())) {
          seen.add(EventEnvelope.fromConsumerRecord(r, DeploymentState.class).data());
        }
      }
      for (; checked < seen.size(); checked++) {
        if (done.test(seen.get(checked))) {
          return seen.get(checked);
        }
      }
      meanwhile.run();
    }
    throw new AssertionError("no matching deployment state of " + model + "; seen: " + seen);
  }

  DeploymentState await(Predicate<DeploymentState> done) {
    return await(done, Duration.ofSeconds(60), () -> {});
  }

  /** Every state of the model seen so far, in topic order. */
  List<DeploymentState> seen() {
    return List.copyOf(seen);
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static void assertRevisionsConsecutive(List<DeploymentState> states) {
    for (int i = 1; i < states.size(); i++) {
      assertThat(states.get(i).revision())
          .as("revision after %s", states.get(i - 1).revision())
          .isEqualTo(states.get(i - 1).revision() + 1);
    }
  }

  @Override
  public void close() {
    producer.close();
    states.close();
    connection.close();
  }
}
