package dev.tuneloop.events.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.testing.RealStackExtension;
import dev.tuneloop.testing.StackEndpoints;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dead-letter tool against the real Kafka broker of the test stack, on its own topics. */
@ExtendWith(RealStackExtension.class)
class DeadLettersIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private StackEndpoints stack;
  private Admin admin;
  private String topic;
  private String dlq;

  @BeforeEach
  void createTopics(StackEndpoints stack) throws Exception {
    this.stack = stack;
    admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()));
    topic = "it-dlq-" + UUID.randomUUID();
    dlq = topic + ".dlq";
    admin
        .createTopics(
            List.of(
                new NewTopic(topic, Optional.of(1), Optional.empty()),
                new NewTopic(dlq, Optional.of(1), Optional.empty())))
        .all()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @AfterEach
  void deleteTopics() throws Exception {
    try {
      admin.deleteTopics(List.of(topic, dlq)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      admin
          .deleteConsumerGroups(List.of(DeadLetterCommand.replayGroup(topic)))
          .all()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      // Best effort: the topics have unique names and do no harm if left behind.
    } finally {
      admin.close();
    }
  }

  @Test
  void replayRepublishesEachDeadLetterOnceAcrossRuns() throws Exception {
    String key = "spam-" + UUID.randomUUID();
    String firstId = UUID.randomUUID().toString();
    String secondId = UUID.randomUUID().toString();
    putOnDlq(key, firstId, topic, "{\"n\":1}");
    putOnDlq(key, secondId, topic, "{\"n\":2}");
    putOnDlq(key, UUID.randomUUID().toString(), "tuneloop.feedback", "{\"n\":3}");

    Run list = run("list", topic);
    assertThat(list.code).as(list.err).isZero();
    assertThat(list.out)
        .contains(dlq + ": 3 record(s)")
        .contains("p0@0", "key=" + key, "ce_type=dev.tuneloop.data.ingested.v1", "ce_id=" + firstId)
        .contains("failed on " + topic + " partition 0 offset 40")
        .contains("reason: Invalid CloudEvents headers: Header ce_time is missing")
        .contains("cause:  bad time")
        .doesNotContain("[replayed]");

    Run dryRun = run("replay", topic, "--dry-run");
    assertThat(dryRun.code).as(dryRun.err).isZero();
    assertThat(dryRun.out).contains("would republish 2 record(s)", "would leave out");
    assertThat(recordsOn(topic)).isEmpty();

    Run first = run("replay", topic, "--to-offset", "0");
    assertThat(first.code).as(first.err).isZero();
    assertThat(first.out).contains("republished 1 record(s) from " + dlq + " to " + topic);
    List<ConsumerRecord<byte[], byte[]>> arrived = recordsOn(topic);
    assertThat(arrived).hasSize(1);
    ConsumerRecord<byte[], byte[]> replayed = arrived.get(0);
    assertThat(new String(replayed.key(), StandardCharsets.UTF_8)).isEqualTo(key);
    assertThat(new String(replayed.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
    assertThat(header(replayed.headers(), "ce_id")).isEqualTo(firstId);
    assertThat(header(replayed.headers(), "ce_type")).isEqualTo("dev.tuneloop.data.ingested.v1");
    assertThat(header(replayed.headers(), "tuneloop-replayed-from")).isEqualTo(dlq + ":0:0");
    assertThat(StreamSupport.stream(replayed.headers().spliterator(), false).map(Header::key))
        .noneMatch(name -> name.startsWith("dead-letter-"));

    Run rest = run("replay", topic);
    assertThat(rest.code).as(rest.err).isZero();
    assertThat(rest.out)
        .contains("republished 1 record(s)")
        .contains("1 in the range were replayed before")
        .contains("1 left out because their dead-letter-topic is not " + topic);
    assertThat(rest.err).contains("left out " + dlq + " p0@2");
    assertThat(recordsOn(topic))
        .extracting(r -> header(r.headers(), "ce_id"))
        .containsExactly(firstId, secondId);

    Run again = run("replay", topic);
    assertThat(again.code).as(again.err).isZero();
    assertThat(again.out)
        .contains("republished 0 record(s)")
        .contains("3 in the range were replayed before");
    assertThat(recordsOn(topic)).hasSize(2);

    assertThat(run("list", topic).out)
        .contains("p0=3/3 (committed/end offset)")
        .contains("[replayed]");
  }

  @Test
  void unknownAndDeadLetterTopicsAreRefusedClearly() {
    Run unknown = run("replay", "it-dlq-missing-" + UUID.randomUUID());
    assertThat(unknown.code).isEqualTo(2);
    assertThat(unknown.err).contains("unknown topic 'it-dlq-missing-", "tuneloop.data.ingested");

    Run alreadyDlq = run("list", dlq);
    assertThat(alreadyDlq.code).isEqualTo(2);
    assertThat(alreadyDlq.err).contains("is already a dead-letter topic", "instead: " + topic);

    Run badPartition = run("list", topic, "--partition", "5");
    assertThat(badPartition.code).isEqualTo(2);
    assertThat(badPartition.err).contains(dlq + " has no partition 5; its partitions: [0]");
  }

  private void putOnDlq(String key, String ceId, String failedTopic, String value)
      throws Exception {
    Headers headers = new RecordHeaders();
    add(headers, "ce_specversion", "1.0");
    add(headers, "ce_id", ceId);
    add(headers, "ce_type", "dev.tuneloop.data.ingested.v1");
    add(headers, "ce_source", "tuneloop/it");
    add(headers, "content-type", "application/json");
    add(headers, "dead-letter-reason", "Invalid CloudEvents headers: Header ce_time is missing");
    add(headers, "dead-letter-cause", "bad time");
    add(headers, "dead-letter-exception-class-name", "dev.tuneloop.events.InvalidEventException");
    add(headers, "dead-letter-topic", failedTopic);
    add(headers, "dead-letter-partition", "0");
    add(headers, "dead-letter-offset", "40");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  dlq,
                  null,
                  key.getBytes(StandardCharsets.UTF_8),
                  value.getBytes(StandardCharsets.UTF_8),
                  headers))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Every committed record on {@code name} (one partition), as a read_committed service sees. */
  private List<ConsumerRecord<byte[], byte[]>> recordsOn(String name) {
    TopicPartition partition = new TopicPartition(name, 0);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertThat(consumer.position(partition)).isGreaterThanOrEqualTo(end);
    }
    return records;
  }

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        DeadLetters.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers()));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String header(Headers headers, String name) {
    return DeadLetterHeaders.text(headers, name);
  }

  private record Run(int code, String out, String err) {}
}
