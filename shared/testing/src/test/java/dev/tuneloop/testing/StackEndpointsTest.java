package dev.tuneloop.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.testing.StackEndpoints.Mode;
import org.junit.jupiter.api.Test;

class StackEndpointsTest {

  private final StackEndpoints endpoints =
      new StackEndpoints(
          Mode.LOCAL_PROCESSES,
          "127.0.0.1:9092",
          "http://127.0.0.1:9000",
          "tuneloop-key",
          "the-secret",
          "http://127.0.0.1:5000");

  @Test
  void quarkusServicesGetEveryEndpoint() {
    assertThat(endpoints.quarkusConfig())
        .containsEntry("kafka.bootstrap.servers", "127.0.0.1:9092")
        .containsEntry("tuneloop.storage.endpoint", "http://127.0.0.1:9000")
        .containsEntry("tuneloop.storage.access-key", "tuneloop-key")
        .containsEntry("tuneloop.storage.secret-key", "the-secret")
        .containsEntry("tuneloop.tracking.uri", "http://127.0.0.1:5000");
  }

  @Test
  void theSecretNeverShowsInLogs() {
    assertThat(endpoints.toString()).doesNotContain("the-secret").contains("127.0.0.1:9092");
    assertThat(endpoints.describe())
        .isEqualTo(
            "mode=local-processes kafka=127.0.0.1:9092 s3=http://127.0.0.1:9000"
                + " mlflow=http://127.0.0.1:5000")
        .doesNotContain("the-secret");
  }

  @Test
  void anEmptyEndpointIsRejectedByName() {
    assertThatThrownBy(
            () -> new StackEndpoints(Mode.EXTERNAL, "k:9092", "", "a", "s", "http://m:5000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3Endpoint");
  }
}
