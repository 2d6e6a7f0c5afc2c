package dev.tuneloop.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.ModelTrained;
import dev.tuneloop.events.Topics;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStatus;
import dev.tuneloop.events.TrainingStrategy;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.ml.tiny.TinyModels;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.testing.StackEndpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the trainer's ITs share: a tiny base model and synthetic dataset versions in the real object
 * store (laid out as curation writes them), requests sent through Kafka, and a collector of the
 * trainer's output topics.
 */
final class TrainerFixtures {

  /** This run's suffix. */
  static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  /** Model names of this run start with this. */
  static final String MODEL_PREFIX = "it-trainer-" + RUN + "-";

  /** This run's consumer group. */
  static final String GROUP = "tuneloop-trainer-it-" + RUN;

  static final ObjectMapper JSON = new ObjectMapper();

  private TrainerFixtures() {}

  /** Uploads a tiny random BERT under {@code base/<name>/}. */
  static String uploadBaseModel(ObjectStore store, Path scratch) throws IOException {
    String name = "tiny-" + RUN;
    if (!store.exists(Buckets.MODELS, "base/" + name + "/model.safetensors")) {
      Path folder = scratch.resolve("base-" + name);
      TinyModels.baseModel(folder, 11);
      new ModelStore(store, scratch.resolve("cache"))
          .upload(folder, ModelStore.baseModelUri(name), false);
    }
    return name;
  }

  /** Writes v1 of a dataset as curation does: split files, then the manifest. */
  static void uploadDataset(
      ObjectStore store, Path scratch, String dataset, int train, int validation, int test)
      throws IOException {
    Path folder =
        TinyModels.dataset(scratch.resolve("data-" + dataset), train, validation, test, 5);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("dataset", dataset);
    manifest.put("version", 1);
    manifest.putArray("labels").add("ham").add("spam");
    ObjectNode splits = manifest.putObject("splits");
    Map<String, Integer> counts = Map.of("train", train, "validation", validation, "test", test);
    for (String split : List.of("train", "validation", "test")) {
      String key = dataset + "/v1/" + split + ".jsonl";
      store.put(Buckets.DATASETS, key, Files.readAllBytes(folder.resolve(split + ".jsonl")));
      ObjectNode s = splits.putObject(split);
      s.put("records", counts.get(split));
      s.put("added", counts.get(split));
      s.putObject("file").put("key", key);
    }
    store.put(Buckets.DATASETS, dataset + "/v1/manifest.json", JSON.writeValueAsBytes(manifest));
  }

  /**
   * Writes v2 of a dataset whose v1 exists: v1's train split followed by {@code addedTrain} new
   * records (curation's cumulative layout), v1's validation and test splits.
   */
  static void uploadVersion2(ObjectStore store, Path scratch, String dataset, int addedTrain)
      throws IOException {
    Path added = TinyModels.dataset(scratch.resolve("data2-" + dataset), addedTrain, 0, 0, 9);
    JsonNode v1 = json(store, Buckets.DATASETS, dataset + "/v1/manifest.json");
    ObjectNode manifest = (ObjectNode) v1.deepCopy();
    manifest.put("version", 2);
    manifest.put("previousVersion", 1);
    ObjectNode splits = (ObjectNode) manifest.get("splits");
    for (String split : List.of("train", "validation", "test")) {
      byte[] previous =
          store.getBytes(Buckets.DATASETS, dataset + "/v1/" + split + ".jsonl", 64 << 20);
      byte[] extra =
          split.equals("train") ? Files.readAllBytes(added.resolve("train.jsonl")) : new byte[0];
      byte[] content = new byte[previous.length + extra.length];
      System.arraycopy(previous, 0, content, 0, previous.length);
      System.arraycopy(extra, 0, content, previous.length, extra.length);
      String key = dataset + "/v2/" + split + ".jsonl";
      store.put(Buckets.DATASETS, key, content);
      ObjectNode s = (ObjectNode) splits.get(split);
      int add = split.equals("train") ? addedTrain : 0;
      s.put("records", s.get("records").asInt() + add);
      s.put("added", add);
      ((ObjectNode) s.get("file")).put("key", key);
    }
    store.put(Buckets.DATASETS, dataset + "/v2/manifest.json", JSON.writeValueAsBytes(manifest));
  }

  /** A request for {@code model} on v1 of {@code dataset}. */
  static TrainingRequested request(
      String jobId,
      String model,
      String dataset,
      String baseModel,
      TrainingStrategy strategy,
      TrainingRequested.Hyperparameters h) {
    return new TrainingRequested(
        jobId,
        model,
        dataset,
        1,
        baseModel,
        strategy,
        h,
        TrainingRequested.Reason.MANUAL,
        null,
        null,
        Instant.now());
  }

  /** Hyperparameters for a tiny run. */
  static TrainingRequested.Hyperparameters tiny(int epochs, int batchSize, Double learningRate) {
    return new TrainingRequested.Hyperparameters(
        epochs, null, batchSize, learningRate, null, null, null, null, 32, null, null, null, null);
  }

  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  static void send(String bootstrap, EventEnvelope<TrainingRequested> event) throws Exception {
    try (KafkaProducer<String, byte[]> p = producer(bootstrap)) {
      p.send(event.toProducerRecord()).get();
    }
  }

  static void sendRaw(String bootstrap, String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> p = producer(bootstrap)) {
      p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTED, key, value)).get();
    }
  }

  /** Waits until the trainer's consumer group has a member with partitions. */
  static void awaitConsumerGroup(String bootstrap, Duration timeout) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        ConsumerGroupDescription d = KillResumeIT.describe(admin, GROUP);
        if (d != null
            && d.members().stream().anyMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
          return;
        }
        Thread.sleep(250);
      }
      throw new AssertionError("consumer group " + GROUP + " got no partitions in " + timeout);
    }
  }

  /**
   * Collects every record of the given topics from the moment it is created (end offsets), on a
   * background thread.
   */
  static final class Collector implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    Collector(StackEndpoints stack, Collection<String> topics) {
      consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  stack.kafkaBootstrapServers(),
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false),
              new StringDeserializer(),
              new ByteArrayDeserializer());
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      thread =
          new Thread(
              () -> {
                while (!closed) {
                  consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
                consumer.close();
              },
              "it-collector");
      thread.start();
    }

    /** Records of a topic matching a predicate, in arrival order. */
    List<ConsumerRecord<String, byte[]>> of(
        String topic, Predicate<ConsumerRecord<String, byte[]>> filter) {
      return records.stream().filter(r -> r.topic().equals(topic)).filter(filter).toList();
    }

    /** Status events of a job, in order. */
    List<TrainingStatus> statuses(String jobId) {
      return of(Topics.TRAINING_STATUS, r -> jobId.equals(r.key())).stream()
          .flatMap(r -> decode(r, TrainingStatus.class).stream())
          .toList();
    }

    /** model.trained events of a job. */
    List<ModelTrained> trained(String jobId) {
      return of(Topics.MODEL_TRAINED, r -> true).stream()
          .flatMap(r -> decode(r, ModelTrained.class).stream())
          .filter(m -> m.jobId().equals(jobId))
          .toList();
    }

    /** Other tests share the topics; what is not a valid event of ours is ignored. */
    private static <T extends dev.tuneloop.events.TuneloopEvent> java.util.Optional<T> decode(
        ConsumerRecord<String, byte[]> r, Class<T> type) {
      try {
        return java.util.Optional.of(EventEnvelope.fromConsumerRecord(r, type).data());
      } catch (RuntimeException e) {
        return java.util.Optional.empty();
      }
    }

    /** Waits for a terminal status of the job and returns all its statuses. */
    List<TrainingStatus> awaitTerminal(String jobId, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        List<TrainingStatus> s = statuses(jobId);
        if (!s.isEmpty() && s.get(s.size() - 1).state().terminal()) {
          return s;
        }
        Thread.sleep(200);
      }
      throw new AssertionError(
          "job " + jobId + " did not end in " + timeout + ": " + statuses(jobId));
    }

    /** Waits for a status matching the predicate. */
    TrainingStatus awaitStatus(String jobId, Predicate<TrainingStatus> p, Duration timeout)
        throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (TrainingStatus s : statuses(jobId)) {
          if (p.test(s)) {
            return s;
          }
        }
        Thread.sleep(100);
      }
      throw new AssertionError("no matching status of " + jobId + ": " + statuses(jobId));
    }

    @Override
    public void close() throws InterruptedException {
      closed = true;
      thread.join(5000);
    }
  }

  /** The states of a status sequence with repeated running collapsed. */
  static List<String> states(List<TrainingStatus> statuses) {
    List<String> out = new ArrayList<>();
    for (TrainingStatus s : statuses) {
      String name = s.state().name().toLowerCase(java.util.Locale.ROOT);
      if (out.isEmpty() || !out.get(out.size() - 1).equals(name)) {
        out.add(name);
      }
    }
    return out;
  }

  static JsonNode json(ObjectStore store, String bucket, String key) throws IOException {
    return JSON.readTree(new String(store.getBytes(bucket, key, 64 << 20), StandardCharsets.UTF_8));
  }

  static void assertTrue(boolean condition, String message) {
    assertThat(condition).as(message).isTrue();
  }
}
