package dev.tuneloop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.testing.RealStackExtension;
import dev.tuneloop.testing.StackEndpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The six packaged services ({@code services/<s>/target/quarkus-app/quarkus-run.jar}) start against
 * the real Kafka, MinIO and MLflow, report ready with all three dependencies checked, report live,
 * and serve Prometheus metrics; a service whose MLflow is unreachable says so in its readiness.
 *
 * <p>Each service runs as a child process on a free random port, so the test never collides with a
 * demo running on the design ports. Every child is stopped when the test ends, pass or fail; a
 * child's output is kept in {@code integration-tests/target/service-logs/} and its tail printed
 * when it fails.
 */
@ExtendWith(RealStackExtension.class)
class ServicesReadyIT {

  private static final List<String> SERVICES =
      List.of("curation", "trainer", "evaluator", "registry", "serving", "monitor");

  /** Readiness checks every service must report UP: Quarkus' Kafka check and our two. */
  private static final String KAFKA_CHECK = "Kafka connection health check";

  private static final String OBJECT_STORE_CHECK = "object-store";
  private static final String MLFLOW_CHECK = "mlflow";

  /** Six JVMs starting at once on a 2-core machine; generous so a slow CI box does not flake. */
  private static final Duration STARTUP_BUDGET = Duration.ofMinutes(3);

  /**
   * Bounds each probe call. Quarkus' Kafka check waits up to the admin client's API timeout (60 s)
   * when no broker answers; a probe that takes longer than this counts as "not ready yet".
   */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);

  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  private static final int LOG_TAIL_LINES = 40;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void allSixServicesBecomeReadyLiveAndServeMetricsAgainstTheRealStack(StackEndpoints stack)
      throws Exception {
    Instant start = Instant.now();
    Instant deadline = start.plus(STARTUP_BUDGET);
    // Every jar first, so a missing one fails before any service is started.
    SERVICES.forEach(ServiceProcess::packagedJar);
    List<ServiceProcess> services = new ArrayList<>();
    try {
      for (String service : SERVICES) {
        services.add(ServiceProcess.start(service, service, stackEnvironment(stack)));
      }
      for (ServiceProcess service : services) {
        // Fails with the last answer and the service's log tail unless ready with all three UP.
        Health ready = service.awaitHealth("/q/health/ready", ServicesReadyIT::allUp, deadline);

        Health live = service.health("/q/health/live");
        assertThat(live.httpStatus()).as("%s liveness HTTP status", service).isEqualTo(200);
        assertThat(live.status()).as("%s liveness", service).isEqualTo("UP");

        // Prometheus' classic text format, as a scraper asks for it without OpenMetrics.
        HttpResponse<String> metrics = service.get("/q/metrics", "text/plain");
        assertThat(metrics.statusCode()).as("%s /q/metrics HTTP status", service).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type"))
            .as("%s /q/metrics content type", service)
            .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body())
            .as("%s /q/metrics body", service)
            .contains("# TYPE jvm_memory_used_bytes gauge")
            .containsPattern("(?m)^jvm_memory_used_bytes\\{.*\\} \\d");
        System.out.printf(
            "%s ready on port %d %.1f s after the start of all six: %s%n",
            service,
            service.port(),
            Duration.between(start, Instant.now()).toMillis() / 1000.0,
            ready.checks());
      }
    } catch (Throwable failure) {
      services.forEach(ServiceProcess::printLogTail);
      throw failure;
    } finally {
      services.forEach(ServiceProcess::close);
    }
  }

  @Test
  void serviceWithUnreachableMlflowIsLiveButNotReady(StackEndpoints stack) throws Exception {
    // A port that was free a moment ago: nothing listens there, so every MLflow call is refused.
    String deadMlflow = "http://127.0.0.1:" + freePort();
    Map<String, String> environment = stackEnvironment(stack);
    environment.put(environmentName("tuneloop.tracking.uri"), deadMlflow);
    environment.put("MLFLOW_TRACKING_URI", deadMlflow);

    Instant deadline = Instant.now().plus(STARTUP_BUDGET);
    try (ServiceProcess registry =
        ServiceProcess.start("registry", "registry-mlflow-unreachable", environment)) {
      try {
        registry.awaitHealth("/q/health/live", health -> health.httpStatus() == 200, deadline);
        // Wait for Kafka and MinIO to be UP so the only reason left for 503 is MLflow.
        Health ready =
            registry.awaitHealth(
                "/q/health/ready",
                health ->
                    "UP".equals(health.checks().get(KAFKA_CHECK))
                        && "UP".equals(health.checks().get(OBJECT_STORE_CHECK)),
                deadline);

        assertThat(ready.httpStatus()).as("readiness HTTP status").isEqualTo(503);
        assertThat(ready.status()).as("readiness").isEqualTo("DOWN");
        assertThat(ready.checks()).containsEntry(MLFLOW_CHECK, "DOWN");
        assertThat(ready.body())
            .as("the mlflow check names the URL it could not reach")
            .contains(deadMlflow);

        Health live = registry.health("/q/health/live");
        assertThat(live.httpStatus()).as("liveness HTTP status").isEqualTo(200);
        assertThat(live.status()).as("liveness").isEqualTo("UP");
      } catch (Throwable failure) {
        registry.printLogTail();
        throw failure;
      }
    }
  }

  /** Ready: HTTP 200 with Quarkus' Kafka check, {@code object-store} and {@code mlflow} all UP. */
  private static boolean allUp(Health health) {
    return health.httpStatus() == 200
        && "UP".equals(health.checks().get(KAFKA_CHECK))
        && "UP".equals(health.checks().get(OBJECT_STORE_CHECK))
        && "UP".equals(health.checks().get(MLFLOW_CHECK));
  }

  /**
   * The stack's endpoints as the environment variables Quarkus maps to our config properties
   * (passed by environment rather than {@code -D} so the S3 secret does not show in {@code ps}).
   */
  private static Map<String, String> stackEnvironment(StackEndpoints stack) {
    Map<String, String> environment = new LinkedHashMap<>();
    stack.quarkusConfig().forEach((key, value) -> environment.put(environmentName(key), value));
    // stack.env carries both names with the same value; keep them consistent for the child.
    environment.put("MLFLOW_TRACKING_URI", stack.mlflowUri());
    return environment;
  }

  /** Quarkus' mapping of a property name to an environment variable name. */
  private static String environmentName(String property) {
    return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A parsed MicroProfile Health response: overall status and the status of each named check. */
  private record Health(int httpStatus, String status, Map<String, String> checks, String body) {

    static Health parse(HttpResponse<String> response) {
      try {
        JsonNode root = JSON.readTree(response.body());
        Map<String, String> checks = new LinkedHashMap<>();
        root.path("checks")
            .forEach(
                check -> checks.put(check.path("name").asText(), check.path("status").asText()));
        return new Health(
            response.statusCode(), root.path("status").asText(), checks, response.body());
      } catch (IOException e) {
        throw new AssertionError(
            "health endpoint answered HTTP "
                + response.statusCode()
                + " with a body that is not health JSON: "
                + response.body(),
            e);
      }
    }
  }

  /** One packaged service running as a child JVM on a free port; closing it stops the process. */
  private static final class ServiceProcess implements AutoCloseable {

    private final String label;
    private final int port;
    private final Process process;
    private final Path log;
    private final Thread killOnExit;

    private ServiceProcess(String label, int port, Process process, Path log) {
      this.label = label;
      this.port = port;
      this.process = process;
      this.log = log;
      // If the test JVM is interrupted (Ctrl-C, failsafe timeout) the finally blocks may not run.
      this.killOnExit = new Thread(process::destroyForcibly, "stop-" + label);
      Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts {@code services/<service>/target/quarkus-app/quarkus-run.jar} with the given
     * environment added to this JVM's, on a free port, writing its output to a log file named after
     * {@code label}.
     */
    static ServiceProcess start(String service, String label, Map<String, String> environment)
        throws IOException {
      Path jar = packagedJar(service);
      Path logs =
          Files.createDirectories(
              repositoryRoot().resolve("integration-tests/target/service-logs"));
      Path log = logs.resolve(label + ".log");
      int port = freePort();
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dquarkus.http.port=" + port,
                  "-jar",
                  jar.toString())
              .directory(jar.getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      System.out.printf(
          "started %s (pid %d) on port %d, log %s%n", label, process.pid(), port, log);
      return new ServiceProcess(label, port, process, log);
    }

    /** The service's packaged fast-jar; fails with what to run when it is missing. */
    static Path packagedJar(String service) {
      Path jar =
          repositoryRoot().resolve("services/" + service + "/target/quarkus-app/quarkus-run.jar");
      assertThat(jar)
          .withFailMessage(
              "%s is missing: the %s service is not packaged; run ./mvnw install first"
                  + " (or ./mvnw -pl services/%s -am install -DskipITs)",
              jar, service, service)
          .isRegularFile();
      return jar;
    }

    private static Path repositoryRoot() {
      String root = System.getProperty("tuneloop.root");
      assertThat(root)
          .withFailMessage(
              "system property tuneloop.root (the repository root) is not set; run through Maven:"
                  + " ./mvnw -pl integration-tests verify -Dit.test=ServicesReadyIT")
          .isNotBlank();
      return Path.of(root).toAbsolutePath().normalize();
    }

    int port() {
      return port;
    }

    HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .header("Accept", accept)
              .timeout(PROBE_TIMEOUT)
              .GET()
              .build();
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    Health health(String path) throws IOException, InterruptedException {
      return Health.parse(get(path, "application/json"));
    }

    /**
     * Polls a health endpoint until {@code done} accepts the answer, and returns that answer. Fails
     * with the last answer and the log tail if the process exits or the deadline passes.
     */
    Health awaitHealth(String path, Predicate<Health> done, Instant deadline)
        throws InterruptedException {
      String last = "no answer yet";
      while (true) {
        if (!process.isAlive()) {
          throw new AssertionError(
              String.format(
                  "%s exited with code %d before %s was as expected (last answer: %s)%n%s",
                  label, process.exitValue(), path, last, logTail()));
        }
        try {
          Health health = health(path);
          if (done.test(health)) {
            return health;
          }
          last = "HTTP " + health.httpStatus() + " " + health.body();
        } catch (ConnectException | HttpTimeoutException e) {
          // Not listening yet, or a check still waiting on its server: keep polling.
          last = e.toString();
        } catch (IOException e) {
          last = e.toString();
        }
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError(
              String.format(
                  "%s: %s not as expected within %s (last answer: %s)%n%s",
                  label, path, STARTUP_BUDGET, last, logTail()));
        }
        Thread.sleep(POLL_INTERVAL.toMillis());
      }
    }

    void printLogTail() {
      System.out.println(logTail());
    }

    private String logTail() {
      try {
        List<String> lines = Files.readAllLines(log);
        List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
        return "---- last "
            + tail.size()
            + " lines of "
            + log
            + " ----\n"
            + String.join("\n", tail);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the log of " + label + ": " + log, e);
      }
    }

    /** Stops the service gracefully (SIGTERM), forcibly if it does not stop within 20 seconds. */
    @Override
    public void close() {
      try {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          System.out.printf("%s did not stop within 20 s; killing it%n", label);
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
          // The JVM is exiting and runs the hook itself.
        }
      }
    }

    @Override
    public String toString() {
      return label;
    }
  }
}
