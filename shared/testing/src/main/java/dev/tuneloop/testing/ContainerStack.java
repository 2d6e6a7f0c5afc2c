package dev.tuneloop.testing;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The stack as Testcontainers: Kafka, MinIO and MLflow in one Docker network, as the local stack
 * runs them (same topics, buckets, MinIO-to-Kafka notifications and MLflow artifact store).
 *
 * <p>The containers live as long as the JVM; Testcontainers' reaper removes them afterwards.
 */
final class ContainerStack {

  /** Same Kafka version as the clients (the Quarkus BOM's) and the local stack. */
  static final DockerImageName KAFKA_IMAGE = DockerImageName.parse("apache/kafka:4.1.2");

  /** MinIO images are no longer published on Docker Hub; the last community image is on quay.io. */
  static final DockerImageName MINIO_IMAGE =
      DockerImageName.parse("quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z")
          .asCompatibleSubstituteFor("minio/minio");

  /** Same MLflow version as the local stack. The image lacks boto3, which is installed at start. */
  static final DockerImageName MLFLOW_IMAGE =
      DockerImageName.parse("ghcr.io/mlflow/mlflow:v3.17.2");

  private static final String KAFKA_ALIAS = "kafka";
  private static final String KAFKA_INTERNAL_LISTENER = KAFKA_ALIAS + ":19092";
  private static final String MINIO_ALIAS = "minio";
  private static final int MLFLOW_PORT = 5000;

  // Referenced so that the containers stay up for the whole JVM.
  private static KafkaContainer kafka;
  private static MinIOContainer minio;
  private static GenericContainer<?> mlflow;

  private ContainerStack() {}

  /**
   * Starts the containers.
   *
   * @throws TestAbortedException if no Docker engine is reachable, so tests are skipped rather than
   *     failed when {@code TUNELOOP_STACK=testcontainers} is set on a machine without Docker
   */
  static synchronized StackEndpoints start() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new TestAbortedException(
          "TUNELOOP_STACK=testcontainers, but no Docker engine is reachable; unset TUNELOOP_STACK to"
              + " run against the local processes of deploy/local instead");
    }
    Network network = Network.newNetwork();

    kafka =
        new KafkaContainer(KAFKA_IMAGE)
            .withNetwork(network)
            .withNetworkAliases(KAFKA_ALIAS)
            // MinIO's bucket notifications reach the broker from inside the network.
            .withListener(KAFKA_INTERNAL_LISTENER)
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
    kafka.start();
    // MinIO's notification target needs its topic, and auto-creation is off: topics come first.
    StackResources.createTopics(kafka.getBootstrapServers(), (short) 1);

    String accessKey = "tuneloop-" + randomHex(6);
    String secretKey = randomHex(20);
    minio =
        new MinIOContainer(MINIO_IMAGE)
            .withUserName(accessKey)
            .withPassword(secretKey)
            .withNetwork(network)
            .withNetworkAliases(MINIO_ALIAS)
            .withEnv("MINIO_NOTIFY_KAFKA_ENABLE_PRIMARY", "on")
            .withEnv("MINIO_NOTIFY_KAFKA_BROKERS_PRIMARY", KAFKA_INTERNAL_LISTENER)
            .withEnv("MINIO_NOTIFY_KAFKA_TOPIC_PRIMARY", "tuneloop.raw.notifications");
    minio.start();
    StackResources.createBuckets(minio.getS3URL(), accessKey, secretKey);

    mlflow =
        new GenericContainer<>(MLFLOW_IMAGE)
            .withNetwork(network)
            .withExposedPorts(MLFLOW_PORT)
            .withEnv("MLFLOW_S3_ENDPOINT_URL", "http://" + MINIO_ALIAS + ":9000")
            .withEnv("AWS_ACCESS_KEY_ID", accessKey)
            .withEnv("AWS_SECRET_ACCESS_KEY", secretKey)
            .withEnv("AWS_DEFAULT_REGION", "us-east-1")
            .withEnv("MLFLOW_DISABLE_TELEMETRY", "true")
            .withCommand(
                "sh",
                "-c",
                "pip install --quiet --no-cache-dir boto3 && exec mlflow server --host 0.0.0.0"
                    + " --port "
                    + MLFLOW_PORT
                    + " --backend-store-uri sqlite:////tmp/mlflow.db"
                    + " --artifacts-destination s3://tuneloop-mlflow --serve-artifacts"
                    // The Host header is whatever Docker host name the tests see; the container
                    // is reachable only through its mapped port on the test machine.
                    + " --allowed-hosts '*'")
            .waitingFor(
                Wait.forHttp("/health")
                    .forPort(MLFLOW_PORT)
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(5)));
    mlflow.start();

    return new StackEndpoints(
        StackEndpoints.Mode.TESTCONTAINERS,
        kafka.getBootstrapServers(),
        minio.getS3URL(),
        accessKey,
        secretKey,
        "http://" + mlflow.getHost() + ":" + mlflow.getMappedPort(MLFLOW_PORT));
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
