package dev.tuneloop.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectStoreProbeTest {

  /** A local port with nothing listening on it. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static StorageSettings settingsFor(int port) {
    return StorageSettings.builder("http://127.0.0.1:" + port, "access", "secret").build();
  }

  @Test
  void reportsDownWithTheReasonWhenNothingListens() throws IOException {
    int port = closedPort();
    try (ObjectStoreProbe probe =
        new ObjectStoreProbe(settingsFor(port), Buckets.ALL, Duration.ofSeconds(2))) {

      ObjectStoreProbe.Result result = probe.check();

      assertThat(result.up()).isFalse();
      assertThat(result.endpoint()).isEqualTo("http://127.0.0.1:" + port);
      assertThat(result.buckets()).isEqualTo(Buckets.ALL);
      assertThat(result.error()).contains("cannot connect");
    }
  }

  @Test
  void rejectsInvalidBucketNamesUpFront() throws IOException {
    StorageSettings settings = settingsFor(closedPort());
    assertThatThrownBy(
            () -> new ObjectStoreProbe(settings, List.of("Not_A_Bucket"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Not_A_Bucket");
  }
}
