package dev.tuneloop.testing;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka topics and S3 buckets every tuneloop stack has, and their creation on a stack that is
 * not the local one ({@code deploy/local/tuneloop up} creates its own from the same lists).
 *
 * <p>The lists are {@code deploy/local/topics.txt} and {@code deploy/local/buckets.txt}, packaged
 * into this module's jar.
 */
final class StackResources {

  /** Partitions of each topic: enough to see per-key ordering and rebalancing in tests. */
  static final int PARTITIONS = 3;

  /** A Kafka topic and the topic configs it is created with. */
  record TopicSpec(String name, Map<String, String> config) {}

  private StackResources() {}

  /** Every topic: the ones listed, each followed by its {@code .dlq} (never compacted). */
  static List<TopicSpec> topics() {
    return parseTopics(readResource("topics.txt"), "topics.txt");
  }

  /** Every bucket. */
  static List<String> buckets() {
    List<String> buckets = new ArrayList<>();
    for (String line : readResource("buckets.txt")) {
      String bucket = line.strip();
      if (!bucket.isEmpty() && !bucket.startsWith("#")) {
        buckets.add(bucket);
      }
    }
    return buckets;
  }

  /** Parses {@code NAME [CONFIG=VALUE ...]} lines and adds a {@code NAME.dlq} for each topic. */
  static List<TopicSpec> parseTopics(List<String> lines, String source) {
    List<TopicSpec> topics = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+");
      Map<String, String> config = new LinkedHashMap<>();
      for (int f = 1; f < fields.length; f++) {
        int eq = fields[f].indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              source + ":" + (i + 1) + ": expected CONFIG=VALUE but found '" + fields[f] + "'");
        }
        config.put(fields[f].substring(0, eq), fields[f].substring(eq + 1));
      }
      topics.add(new TopicSpec(fields[0], Map.copyOf(config)));
      topics.add(new TopicSpec(fields[0] + ".dlq", Map.of("cleanup.policy", "delete")));
    }
    return topics;
  }

  /** Creates the topics that do not exist yet; existing ones are left alone. */
  static void createTopics(String bootstrapServers, short replicationFactor) {
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.CLIENT_ID_CONFIG,
            "tuneloop-testing-create-topics",
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            60_000);
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec topic : topics()) {
        if (!existing.contains(topic.name())) {
          missing.add(
              new NewTopic(topic.name(), PARTITIONS, replicationFactor).configs(topic.config()));
        }
      }
      for (var created : admin.createTopics(missing).values().entrySet()) {
        try {
          created.getValue().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          // Another JVM may have created it since the listing: that is fine.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "could not create topic " + created.getKey() + " on " + bootstrapServers,
                e.getCause());
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not list the topics on Kafka " + bootstrapServers, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /** Creates the buckets that do not exist yet. */
  static void createBuckets(String endpoint, String accessKey, String secretKey) {
    MinioClient client =
        MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).build();
    for (String bucket : buckets()) {
      try {
        if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
          client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
      } catch (ErrorResponseException e) {
        // Another JVM may have created it since the check: that is fine.
        if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
          throw new IllegalStateException(
              "could not create bucket " + bucket + " on " + endpoint, e);
        }
      } catch (Exception e) {
        throw new IllegalStateException("could not create bucket " + bucket + " on " + endpoint, e);
      }
    }
  }

  private static List<String> readResource(String name) {
    try (InputStream in = StackResources.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource dev/tuneloop/testing/" + name + " is missing from the tuneloop-testing jar");
      }
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        return reader.lines().toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read resource " + name, e);
    }
  }
}
