package dev.tuneloop.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.testing.RealStackExtension;
import dev.tuneloop.testing.StackEndpoints;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    String deadMlflow = "http://127.0.0.1:" + ServiceProcess.freePort();
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
  static Map<String, String> stackEnvironment(StackEndpoints stack) {
    Map<String, String> environment = new LinkedHashMap<>();
    stack.quarkusConfig().forEach((key, value) -> environment.put(environmentName(key), value));
    // stack.env carries both names with the same value; keep them consistent for the child.
    environment.put("MLFLOW_TRACKING_URI", stack.mlflowUri());
    return environment;
  }

  /** Quarkus' mapping of a property name to an environment variable name. */
  static String environmentName(String property) {
    return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
