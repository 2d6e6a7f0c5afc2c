package dev.tuneloop.registry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.Action;
import dev.tuneloop.events.DeploymentState.Phase;
import dev.tuneloop.testing.RealStackExtension;
import dev.tuneloop.testing.StackEndpoints;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A registry stopped in the middle of a rollout and started again continues at the same step: the
 * packaged service ({@code target/quarkus-app/quarkus-run.jar}) runs as a child process against the
 * real stack, is stopped after the first advance, and a second process takes over from the
 * compacted state topic and finishes the rollout.
 */
@ExtendWith(RealStackExtension.class)
class RegistryRestartIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration STARTUP = Duration.ofMinutes(3);

  @Test
  void restartedMidRolloutContinuesAtTheSameStep(StackEndpoints stack) throws Exception {
    String model = RolloutTraffic.unique("reg-rs");
    Map<String, String> env = environment(stack, model);
    try (RolloutTraffic t =
        new RolloutTraffic(stack.kafkaBootstrapServers(), stack.mlflowUri(), model)) {
      DeploymentState atStep2;
      try (Registry first = Registry.start(env, "registry-restart-1")) {
        first.awaitReady();
        t.publish(t.verdict("job-1", t.trainingRun("job-1"), true));
        t.await(s -> s.phase() == Phase.PROMOTED);
        t.publish(t.verdict("job-2", t.trainingRun("job-2"), true));
        t.await(s -> s.phase() == Phase.CANARY);
        atStep2 =
            t.await(
                s -> s.phase() == Phase.CANARY && s.stepIndex() == 1,
                Duration.ofSeconds(60),
                () -> healthy(t));
      }

      try (Registry second = Registry.start(env, "registry-restart-2")) {
        second.awaitReady();
        JsonNode body = JSON.readTree(second.get("/api/v1/models/" + model).body());
        assertThat(body.path("rollout").path("phase").asText()).isEqualTo("canary");
        assertThat(body.path("rollout").path("stepIndex").asInt()).isEqualTo(1);
        assertThat(body.path("rollout").path("revision").asLong()).isEqualTo(atStep2.revision());
        assertThat(body.path("aliases").path("challenger").asText()).isEqualTo("2");

        DeploymentState promoted =
            t.await(
                s -> s.phase() == Phase.PROMOTED && "2".equals(s.champion().version()),
                Duration.ofSeconds(90),
                () -> healthy(t));
        List<DeploymentState> states = t.seen();
        DeploymentState advanced = states.get(states.size() - 2);
        assertThat(advanced.stepIndex()).isEqualTo(2);
        assertThat(advanced.updatedAt())
            .as("the advance waited for step 2's minimum duration, counted across the restart")
            .isAfterOrEqualTo(atStep2.stepStartedAt().plusSeconds(45));
        RolloutTraffic.assertRevisionsConsecutive(states);
        assertThat(promoted.revision()).isEqualTo(atStep2.revision() + 2);
        assertThat(
                promoted
                    .history()
                    .subList(promoted.history().size() - 2, promoted.history().size()))
            .extracting(DeploymentState.AuditEntry::action)
            .as("the second process advanced from step 2; it did not start over")
            .containsExactly(Action.ADVANCE, Action.PROMOTE);
        JsonNode after = JSON.readTree(second.get("/api/v1/models/" + model).body());
        assertThat(after.path("aliases").path("champion").asText()).isEqualTo("2");
        assertThat(after.path("aliases").path("previous").asText()).isEqualTo("1");
      }
    }
  }

  private static void healthy(RolloutTraffic t) {
    t.health("1", Arm.CHAMPION, 30, 20, 0.9, 0.9);
    t.health("2", Arm.CHALLENGER, 30, 20, 0.9, 0.9);
  }

  /** The stack and tiny rollout settings as environment variables; only this test's model. */
  private static Map<String, String> environment(StackEndpoints stack, String model) {
    Map<String, String> env = new LinkedHashMap<>();
    stack.quarkusConfig().forEach((k, v) -> env.put(envName(k), v));
    env.put("MLFLOW_TRACKING_URI", stack.mlflowUri());
    env.put("TUNELOOP_REGISTRY_MODEL_PATTERN", model);
    env.put("TUNELOOP_REGISTRY_MIN_SAMPLES", "50");
    // Step 2 lasts at least 45 s, counted from its start before the restart: the first process is
    // stopped within it, the second one finishes it.
    env.put("TUNELOOP_REGISTRY_MIN_DURATION", "1s,45s,1s");
    env.put("TUNELOOP_REGISTRY_GUARD_MIN_SAMPLES", "20");
    env.put("TUNELOOP_REGISTRY_MIN_LABELLED", "100");
    env.put("TUNELOOP_REGISTRY_EVALUATION_INTERVAL", "200ms");
    env.put("MP_MESSAGING_INCOMING_MODEL_EVALUATED_GROUP_ID", "tuneloop-registry-" + model);
    env.put("MP_MESSAGING_INCOMING_MODEL_HEALTH_GROUP_ID", "tuneloop-registry-" + model);
    return env;
  }

  private static String envName(String property) {
    return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** The packaged registry as a child JVM on a free port; closing it stops it gracefully. */
  private static final class Registry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private Registry(Process process, int port, Path log) {
      this.process = process;
      this.port = port;
      this.log = log;
    }

    static Registry start(Map<String, String> env, String label) throws IOException {
      Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
      assertThat(jar).as("packaged service (run ./mvnw verify, not just test)").isRegularFile();
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Path log = Path.of("target", label + ".log").toAbsolutePath();
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dquarkus.http.port=" + port,
                  "-jar",
                  jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      return new Registry(builder.start(), port, log);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(15))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    void awaitReady() throws Exception {
      long deadline = System.nanoTime() + STARTUP.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("registry exited: " + tail());
        }
        try {
          if (get("/q/health/ready").statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(500);
      }
      throw new AssertionError("registry not ready within " + STARTUP + ": " + tail());
    }

    private String tail() throws IOException {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
