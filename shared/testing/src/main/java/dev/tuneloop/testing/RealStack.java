package dev.tuneloop.testing;

import dev.tuneloop.testing.StackEndpoints.Mode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.testcontainers.DockerClientFactory;

/**
 * The real Kafka, MinIO and MLflow servers shared by all tests of one JVM.
 *
 * <p>With a Docker engine the servers are Testcontainers; without one they are the local processes
 * of {@code deploy/local/tuneloop} (started if they are not running). {@code TUNELOOP_STACK} forces
 * a mode: {@code testcontainers}, {@code local} or {@code external} (servers named by the variables
 * of {@code stack.env}: {@code KAFKA_BOOTSTRAP_SERVERS}, {@code TUNELOOP_STORAGE_ENDPOINT}, ...).
 * The mode used is printed. In every mode the design's topics and buckets exist before a test runs.
 */
public final class RealStack {

  /** Environment variable that forces a mode. */
  public static final String MODE_VARIABLE = "TUNELOOP_STACK";

  private static StackEndpoints endpoints;
  private static RuntimeException failure;

  private RealStack() {}

  /**
   * The endpoints of the running stack, starting it on first use.
   *
   * @throws IllegalStateException if the stack cannot be started; later calls in the same JVM throw
   *     the same failure instead of trying again (a cold local start can take many minutes)
   * @throws org.opentest4j.TestAbortedException if {@code TUNELOOP_STACK=testcontainers} and no
   *     Docker engine is reachable, which skips the calling tests
   */
  public static synchronized StackEndpoints get() {
    if (failure != null) {
      throw failure;
    }
    if (endpoints == null) {
      try {
        endpoints = start(System.getenv());
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
      System.out.println("tuneloop test stack: " + endpoints.describe());
    }
    return endpoints;
  }

  static StackEndpoints start(Map<String, String> environment) {
    Mode mode =
        chooseMode(
            environment.get(MODE_VARIABLE),
            () -> DockerClientFactory.instance().isDockerAvailable());
    return switch (mode) {
      case TESTCONTAINERS -> ContainerStack.start();
      case LOCAL_PROCESSES -> LocalProcessStack.start(RepositoryRoot.find(), environment);
      case EXTERNAL -> startExternal(environment);
    };
  }

  /**
   * The mode for a {@code TUNELOOP_STACK} value: {@code testcontainers}, {@code local} or {@code
   * external}; unset or blank means containers when Docker is available, local processes otherwise.
   *
   * @param dockerAvailable asked only when no mode is requested (the check can take seconds)
   * @throws IllegalArgumentException for any other value
   */
  static Mode chooseMode(String requested, BooleanSupplier dockerAvailable) {
    if (requested == null || requested.isBlank()) {
      return dockerAvailable.getAsBoolean() ? Mode.TESTCONTAINERS : Mode.LOCAL_PROCESSES;
    }
    return switch (requested.strip().toLowerCase(Locale.ROOT)) {
      case "testcontainers" -> Mode.TESTCONTAINERS;
      case "local" -> Mode.LOCAL_PROCESSES;
      case "external" -> Mode.EXTERNAL;
      default ->
          throw new IllegalArgumentException(
              MODE_VARIABLE
                  + "="
                  + requested
                  + " is not a stack mode; use testcontainers, local or external (or leave it unset)");
    };
  }

  private static StackEndpoints startExternal(Map<String, String> environment) {
    StackEndpoints external =
        StackEnvFile.toEndpoints(
            Mode.EXTERNAL,
            environment,
            "the environment (" + MODE_VARIABLE + "=external; see deploy/local/tuneloop env)");
    StackResources.createTopics(external.kafkaBootstrapServers(), replicationFactor(environment));
    StackResources.createBuckets(
        external.s3Endpoint(), external.s3AccessKey(), external.s3SecretKey());
    return external;
  }

  /** Replication factor for topics created on an external cluster ({@code 1} unless told). */
  private static short replicationFactor(Map<String, String> environment) {
    String value = environment.getOrDefault("TUNELOOP_TOPIC_REPLICATION_FACTOR", "1");
    try {
      return Short.parseShort(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "TUNELOOP_TOPIC_REPLICATION_FACTOR=" + value + " is not a number", e);
    }
  }

  /** The repository root the local mode uses; exposed for tests that run the script themselves. */
  public static Path repositoryRoot() {
    return RepositoryRoot.find();
  }
}
