package dev.tuneloop.tracking.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.tracking.ArtifactClient;
import dev.tuneloop.tracking.MlflowConnection;
import dev.tuneloop.tracking.ModelRegistryClient;
import dev.tuneloop.tracking.TrackingClient;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The CDI wiring a service gets: clients from the config, and the {@code mlflow} readiness check.
 */
@QuarkusTest
class TrackingBeansTest {

  @Inject TrackingConfig config;
  @Inject MlflowConnection connection;
  @Inject TrackingClient tracking;
  @Inject ModelRegistryClient registry;
  @Inject ArtifactClient artifacts;
  @Inject SmallRyeHealthReporter health;

  @Test
  void clientsShareOneConnectionBuiltFromTheConfig() {
    assertThat(connection.settings().uri()).hasToString("http://127.0.0.1:1");
    assertThat(connection.settings().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(connection.settings().retry().maxAttempts()).isEqualTo(5);
    assertThat(config.retry().initialBackoff()).isEqualTo(Duration.ofMillis(200));
    assertThat(tracking).isSameAs(connection.tracking());
    assertThat(registry).isSameAs(connection.registry());
    assertThat(artifacts).isSameAs(connection.artifacts());
  }

  @Test
  void readinessReportsMlflowDownWithTheReason() {
    SmallRyeHealth readiness = health.getReadiness();

    assertThat(readiness.isDown()).isTrue();
    JsonObject check =
        readiness.getPayload().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
            .filter(c -> c.getString("name").equals(MlflowReadinessCheck.NAME))
            .findFirst()
            .orElseThrow();
    assertThat(check.getString("status")).isEqualTo("DOWN");
    assertThat(check.getJsonObject("data").getString("uri")).isEqualTo("http://127.0.0.1:1");
    assertThat(check.getJsonObject("data").getString("error")).contains("cannot reach MLflow");
  }
}
