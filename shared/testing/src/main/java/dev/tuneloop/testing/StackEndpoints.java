package dev.tuneloop.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the real servers of a test run are: Kafka, an S3 store (MinIO) and MLflow.
 *
 * @param mode how the servers were provided
 * @param kafkaBootstrapServers Kafka bootstrap servers, {@code host:port[,host:port]}
 * @param s3Endpoint S3 endpoint URL, e.g. {@code http://127.0.0.1:9000}
 * @param s3AccessKey S3 access key
 * @param s3SecretKey S3 secret key
 * @param mlflowUri MLflow tracking server URL, e.g. {@code http://127.0.0.1:5000}
 */
public record StackEndpoints(
    Mode mode,
    String kafkaBootstrapServers,
    String s3Endpoint,
    String s3AccessKey,
    String s3SecretKey,
    String mlflowUri) {

  /** How the servers were provided. */
  public enum Mode {
    /** Containers started by Testcontainers (a Docker engine was available). */
    TESTCONTAINERS,
    /** Local processes of {@code deploy/local} (started if they were not running). */
    LOCAL_PROCESSES,
    /** Servers named by the environment ({@code TUNELOOP_STACK=external}). */
    EXTERNAL
  }

  /** Rejects missing values, so a half-configured stack fails here rather than in a client. */
  public StackEndpoints {
    Objects.requireNonNull(mode, "mode");
    requireValue("kafkaBootstrapServers", kafkaBootstrapServers);
    requireValue("s3Endpoint", s3Endpoint);
    requireValue("s3AccessKey", s3AccessKey);
    requireValue("s3SecretKey", s3SecretKey);
    requireValue("mlflowUri", mlflowUri);
  }

  private static void requireValue(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }

  /** The configuration properties a tuneloop Quarkus service reads to reach these servers. */
  public Map<String, String> quarkusConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("kafka.bootstrap.servers", kafkaBootstrapServers);
    config.put("tuneloop.storage.endpoint", s3Endpoint);
    config.put("tuneloop.storage.access-key", s3AccessKey);
    config.put("tuneloop.storage.secret-key", s3SecretKey);
    config.put("tuneloop.tracking.uri", mlflowUri);
    return config;
  }

  /** One line naming the mode and the endpoints, without the credentials. */
  public String describe() {
    return "mode="
        + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
        + " kafka="
        + kafkaBootstrapServers
        + " s3="
        + s3Endpoint
        + " mlflow="
        + mlflowUri;
  }

  /** Like {@link #describe()}: the secret key must not end up in test reports or logs. */
  @Override
  public String toString() {
    return "StackEndpoints[" + describe() + " s3AccessKey=" + s3AccessKey + " s3SecretKey=****]";
  }
}
