package dev.tuneloop.storage.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.storage.ObjectStoreProbe;
import dev.tuneloop.storage.StorageSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** The readiness check as Quarkus calls it, without booting Quarkus. */
class ObjectStoreReadinessCheckTest {

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void isDownWithTheErrorWhenTheEndpointDoesNotAnswer() throws IOException {
    int port = closedPort();
    StorageSettings settings =
        StorageSettings.builder("http://127.0.0.1:" + port, "access", "secret").build();
    ObjectStoreReadinessCheck check =
        new ObjectStoreReadinessCheck(
            () -> new ObjectStoreProbe(settings, List.of("tuneloop-raw"), Duration.ofSeconds(2)));
    try {
      HealthCheckResponse response = check.call();

      assertThat(response.getName()).isEqualTo("object-store");
      assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
      Map<String, Object> data = response.getData().orElseThrow();
      assertThat(data)
          .containsEntry("endpoint", "http://127.0.0.1:" + port)
          .containsEntry("buckets", "tuneloop-raw");
      assertThat((String) data.get("error")).contains("cannot connect");
    } finally {
      check.close();
    }
  }

  @Test
  void isDownInsteadOfThrowingWhenTheConfigurationIsIncomplete() {
    StorageConfig config = StorageConfigTest.config(Map.of());
    ObjectStoreReadinessCheck check = new ObjectStoreReadinessCheck(config);

    HealthCheckResponse response = check.call();

    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    assertThat((String) response.getData().orElseThrow().get("error"))
        .contains("tuneloop.storage.access-key is not set");
  }
}
