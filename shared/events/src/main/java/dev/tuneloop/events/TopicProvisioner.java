package dev.tuneloop.events;

import dev.tuneloop.events.Topics.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the Kafka topics tuneloop needs (each event topic and its {@code .dlq}) when they are
 * missing, with compaction where the spec asks for it. Safe to call from every service at startup
 * and from tests: topics that exist are left as they are, and a topic created concurrently by
 * another process counts as present.
 *
 * <p>An existing topic that should be compacted but is not is an error, not something fixed
 * silently: without compaction Kafka would drop the deployment state of idle models.
 *
 * <p>In production, topics usually come from the platform (e.g. Strimzi {@code KafkaTopic}
 * resources); this class is for development, tests and small installations.
 */
public final class TopicProvisioner {

  private final Admin admin;
  private final Optional<Integer> partitions;
  private final Optional<Short> replicationFactor;

  /**
   * A provisioner that creates topics with the broker's default partition count and replication
   * factor.
   *
   * @param admin the Kafka admin client to use; the caller keeps ownership and closes it
   */
  public TopicProvisioner(Admin admin) {
    this(admin, Optional.empty(), Optional.empty());
  }

  /**
   * A provisioner that creates topics with the given partition count and replication factor (empty:
   * the broker's default).
   *
   * @param admin the Kafka admin client to use; the caller keeps ownership and closes it
   * @param partitions partitions of new topics; more partitions let more consumers share a topic
   * @param replicationFactor replicas of new topics' partitions
   */
  public TopicProvisioner(
      Admin admin, Optional<Integer> partitions, Optional<Short> replicationFactor) {
    this.admin = Require.present(admin, "admin");
    this.partitions = Require.present(partitions, "partitions");
    this.replicationFactor = Require.present(replicationFactor, "replicationFactor");
    partitions.ifPresent(count -> Require.positive(count, "partitions"));
    replicationFactor.ifPresent(count -> Require.positive(count, "replicationFactor"));
  }

  /**
   * Creates every missing tuneloop topic ({@link Topics#all()}) on the cluster at {@code
   * bootstrapServers}, with the broker's defaults for partitions and replication.
   *
   * @return the names of the topics that were created (empty when all existed)
   */
  public static List<String> ensureTopics(String bootstrapServers) {
    Require.nonBlank(bootstrapServers, "bootstrapServers");
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      return new TopicProvisioner(admin).ensureTopics();
    }
  }

  /**
   * Creates every missing tuneloop topic: each event topic and its dead-letter topic.
   *
   * @return the names of the topics that were created (empty when all existed)
   */
  public List<String> ensureTopics() {
    return ensureTopics(Topics.all());
  }

  /**
   * Creates the missing topics among {@code specs}.
   *
   * @return the names of the topics that were created (empty when all existed)
   * @throws IllegalStateException if Kafka cannot be reached or refuses a topic, or an existing
   *     topic that should be compacted is not
   */
  public List<String> ensureTopics(Collection<TopicSpec> specs) {
    Map<String, TopicSpec> byName =
        specs.stream().collect(Collectors.toMap(TopicSpec::name, Function.identity(), (a, b) -> a));
    Set<String> existing = await(admin.listTopics().names(), "list the topics");

    List<NewTopic> missing =
        byName.values().stream()
            .filter(spec -> !existing.contains(spec.name()))
            .map(
                spec ->
                    new NewTopic(spec.name(), partitions, replicationFactor).configs(spec.config()))
            .toList();
    List<String> created = new ArrayList<>();
    if (!missing.isEmpty()) {
      CreateTopicsResult result = admin.createTopics(missing);
      for (Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
        try {
          entry.getValue().get();
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          // Another service starting at the same time may have created it: that is success.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "Kafka refused to create topic "
                    + entry.getKey()
                    + ": "
                    + e.getCause().getMessage(),
                e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while creating topic " + entry.getKey(), e);
        }
      }
    }

    List<String> compactedElsewhere =
        byName.values().stream()
            .filter(TopicSpec::compacted)
            .map(TopicSpec::name)
            .filter(name -> !created.contains(name))
            .toList();
    checkCompacted(compactedElsewhere);
    return created.stream().sorted().toList();
  }

  private void checkCompacted(List<String> topics) {
    if (topics.isEmpty()) {
      return;
    }
    List<ConfigResource> resources =
        topics.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
    Map<ConfigResource, Config> configs =
        await(admin.describeConfigs(resources).all(), "read the configuration of " + topics);
    configs.forEach(
        (resource, config) -> {
          ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
          String value = policy == null ? "" : policy.value();
          if (!value.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new IllegalStateException(
                "Topic "
                    + resource.name()
                    + " must be compacted but has cleanup.policy="
                    + value
                    + "; fix it with: kafka-configs.sh --alter --entity-type topics --entity-name "
                    + resource.name()
                    + " --add-config cleanup.policy=compact");
          }
        });
  }

  private static <T> T await(KafkaFuture<T> future, String action) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Cannot " + action + " on Kafka: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while trying to " + action, e);
    }
  }
}
