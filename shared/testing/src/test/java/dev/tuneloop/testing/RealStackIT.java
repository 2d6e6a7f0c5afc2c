package dev.tuneloop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.testing.StackEndpoints.Mode;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealStackExtension.class)
class RealStackIT {

  @Test
  void everyTopicExistsWithThreePartitionsAndTheStateTopicIsCompacted(StackEndpoints stack)
      throws Exception {
    try (Admin admin = admin(stack)) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      for (StackResources.TopicSpec topic : StackResources.topics()) {
        assertThat(names).contains(topic.name());
      }
      Map<String, TopicDescription> state =
          admin.describeTopics(Set.of("tuneloop.deployment.state")).allTopicNames().get();
      assertThat(state.get("tuneloop.deployment.state").partitions()).hasSize(3);
      ConfigResource resource =
          new ConfigResource(ConfigResource.Type.TOPIC, "tuneloop.deployment.state");
      assertThat(
              admin
                  .describeConfigs(Set.of(resource))
                  .all()
                  .get(30, TimeUnit.SECONDS)
                  .get(resource)
                  .get("cleanup.policy")
                  .value())
          .isEqualTo("compact");
    }
  }

  @Test
  void everyBucketExistsAndMlflowAnswers(StackEndpoints stack) throws Exception {
    MinioClient minio =
        MinioClient.builder()
            .endpoint(stack.s3Endpoint())
            .credentials(stack.s3AccessKey(), stack.s3SecretKey())
            .build();
    for (String bucket : StackResources.buckets()) {
      assertThat(minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()))
          .as("bucket %s", bucket)
          .isTrue();
    }
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(stack.mlflowUri() + "/health"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void externalModeTakesTheSameServersFromTheEnvironment(StackEndpoints stack) throws Exception {
    // What a user does with `eval "$(deploy/local/tuneloop env)"; TUNELOOP_STACK=external mvn
    // verify`:
    // the topics and buckets are ensured from Java, which leaves the existing ones as they are.
    Map<String, String> environment =
        Map.of(
            "TUNELOOP_STACK", "external",
            "KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers(),
            "TUNELOOP_STORAGE_ENDPOINT", stack.s3Endpoint(),
            "TUNELOOP_STORAGE_ACCESS_KEY", stack.s3AccessKey(),
            "TUNELOOP_STORAGE_SECRET_KEY", stack.s3SecretKey(),
            "TUNELOOP_TRACKING_URI", stack.mlflowUri());

    StackEndpoints external = RealStack.start(environment);

    assertThat(external.mode()).isEqualTo(Mode.EXTERNAL);
    assertThat(external.quarkusConfig()).isEqualTo(stack.quarkusConfig());
    try (Admin admin = admin(stack)) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .filteredOn(name -> name.startsWith("tuneloop."))
          .hasSameSizeAs(StackResources.topics());
    }
  }

  private static Admin admin(StackEndpoints stack) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.kafkaBootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            30_000));
  }
}
