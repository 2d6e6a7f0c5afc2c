package dev.tuneloop.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.events.Topics.TopicSpec;
import dev.tuneloop.testing.RealStackExtension;
import dev.tuneloop.testing.StackEndpoints;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events and topics against the real Kafka broker of the test stack. */
@ExtendWith(RealStackExtension.class)
class CloudEventKafkaIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void publishedEventIsConsumedWithMetadataAndDataIntact(StackEndpoints stack) throws Exception {
    TopicProvisioner.ensureTopics(stack.kafkaBootstrapServers());
    String jobId = "it-" + UUID.randomUUID();
    TrainingStatus status =
        new TrainingStatus(
            jobId,
            "spam",
            TrainingStatus.State.RUNNING,
            120,
            600L,
            1,
            3,
            0.41,
            4.5e-4,
            30.2,
            212L,
            Map.of("train_loss", 0.41),
            null,
            "worker-it",
            Instant.parse("2026-11-24T10:15:30.123456Z"));
    EventMetadata cause =
        EventMetadata.startLoop(SampleEvents.trainingRequested(), "tuneloop/monitor");
    EventEnvelope<TrainingStatus> sent =
        new EventEnvelope<>(EventMetadata.causedBy(cause, status, "tuneloop/trainer"), status);

    RecordMetadata position;
    try (KafkaProducer<String, byte[]> producer = producer(stack)) {
      position = producer.send(sent.toProducerRecord()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    ConsumerRecord<String, byte[]> record = consumeAt(stack, position);
    EventEnvelope<TrainingStatus> received =
        EventEnvelope.fromConsumerRecord(record, TrainingStatus.class);

    assertThat(record.topic()).isEqualTo(Topics.TRAINING_STATUS);
    assertThat(record.key()).isEqualTo(jobId);
    assertThat(header(record, "ce_type")).isEqualTo("dev.tuneloop.training.status.v1");
    assertThat(header(record, "ce_correlationid")).isEqualTo(cause.correlationId());
    EventMetadata metadata = received.metadata();
    assertThat(metadata.id()).isEqualTo(sent.metadata().id());
    assertThat(metadata.type()).isEqualTo(TrainingStatus.TYPE);
    assertThat(metadata.source()).isEqualTo("tuneloop/trainer");
    assertThat(metadata.subject()).isEqualTo(jobId);
    assertThat(metadata.time()).isEqualTo(sent.metadata().time());
    assertThat(metadata.correlationId()).isEqualTo(cause.correlationId());
    assertThat(received.data()).isEqualTo(status);
  }

  @Test
  void provisionerCreatesMissingTopicsWithCompactionOnceOnly(StackEndpoints stack)
      throws Exception {
    String prefix = "it.events." + UUID.randomUUID() + ".";
    TopicSpec state = new TopicSpec(prefix + "state", true);
    TopicSpec plain = new TopicSpec(prefix + "plain", false);
    List<TopicSpec> specs = List.of(state, state.deadLetter(), plain, plain.deadLetter());
    List<String> names = specs.stream().map(TopicSpec::name).toList();

    try (Admin admin = admin(stack)) {
      try {
        TopicProvisioner provisioner =
            new TopicProvisioner(admin, Optional.of(2), Optional.empty());

        assertThat(provisioner.ensureTopics(specs)).containsExactlyInAnyOrderElementsOf(names);
        assertThat(cleanupPolicy(admin, state.name())).isEqualTo("compact");
        assertThat(cleanupPolicy(admin, state.deadLetter().name())).isEqualTo("delete");
        assertThat(cleanupPolicy(admin, plain.name())).isEqualTo("delete");
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(2));

        assertThat(provisioner.ensureTopics(specs)).isEmpty();
        // The real catalog: already there (the stack made it), deployment.state compacted.
        assertThat(new TopicProvisioner(admin).ensureTopics()).isEmpty();

        // A topic that should be compacted but is not is reported, not silently accepted.
        assertThatThrownBy(
                () -> provisioner.ensureTopics(List.of(new TopicSpec(plain.name(), true))))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(plain.name())
            .hasMessageContaining("cleanup.policy=compact");
      } finally {
        admin.deleteTopics(names).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  private static String cleanupPolicy(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
    return config.get("cleanup.policy").value();
  }

  private static ConsumerRecord<String, byte[]> consumeAt(
      StackEndpoints stack, RecordMetadata position) {
    TopicPartition partition = new TopicPartition(position.topic(), position.partition());
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seek(partition, position.offset());
      Instant deadline = Instant.now().plus(TIMEOUT);
      List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
      while (Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.offset() == position.offset()) {
            return record;
          }
          seen.add(record);
        }
      }
      throw new AssertionError(
          "Record at " + partition + "@" + position.offset() + " not consumed; saw " + seen.size());
    }
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static KafkaProducer<String, byte[]> producer(StackEndpoints stack) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.kafkaBootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static Admin admin(StackEndpoints stack) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()));
  }
}
