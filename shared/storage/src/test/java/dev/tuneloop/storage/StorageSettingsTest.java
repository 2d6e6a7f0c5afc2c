package dev.tuneloop.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StorageSettingsTest {

  @Test
  void defaultsAreUsableForTheLocalStack() {
    StorageSettings settings =
        StorageSettings.builder("http://127.0.0.1:9000", "access", "secret").build();

    assertThat(settings.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(settings.region()).isEqualTo("us-east-1");
    assertThat(settings.partSize()).isEqualTo(16L * 1024 * 1024);
    assertThat(settings.retryPolicy()).isEqualTo(RetryPolicy.DEFAULT);
  }

  @Test
  void normalisesTrailingSlashAndSchemeCase() {
    StorageSettings settings =
        StorageSettings.builder("HTTPS://s3.eu-west-1.amazonaws.com/", "a", "s").build();

    assertThat(settings.endpoint()).isEqualTo(URI.create("https://s3.eu-west-1.amazonaws.com"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1:9000",
        "ftp://host:21",
        "http://host:9000/tuneloop-raw",
        "http://host:9000?x=1",
        "http://user:pw@host:9000",
        "http://",
        "not a url"
      })
  void rejectsEndpointsTheClientCannotUse(String endpoint) {
    assertThatThrownBy(() -> StorageSettings.builder(endpoint, "a", "s").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
  }

  @Test
  void requiresCredentialsWithoutEchoingThem() {
    assertThatThrownBy(() -> StorageSettings.builder("http://h:9000", "", "s").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("access key must be set");
    assertThatThrownBy(() -> StorageSettings.builder("http://h:9000", "a", null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret key must be set");
    assertThatThrownBy(() -> StorageSettings.builder("http://h:9000", "a", "topsecret\n").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whitespace")
        .hasMessageNotContaining("topsecret");
  }

  @Test
  void neverPrintsTheSecretKey() {
    StorageSettings settings =
        StorageSettings.builder("http://h:9000", "access", "topsecret").build();

    assertThat(settings.toString()).contains("access").doesNotContain("topsecret");
  }

  @Test
  void enforcesS3PartSizeLimits() {
    StorageSettings.Builder builder = StorageSettings.builder("http://h:9000", "a", "s");

    assertThatThrownBy(() -> builder.partSize(5L * 1024 * 1024 - 1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 MiB and 5 GiB");
    assertThatThrownBy(() -> builder.partSize(5L * 1024 * 1024 * 1024 + 1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(builder.partSize(5L * 1024 * 1024).build().partSize()).isEqualTo(5L * 1024 * 1024);
  }

  @Test
  void rejectsBadRegionAndTimeouts() {
    StorageSettings.Builder builder = StorageSettings.builder("http://h:9000", "a", "s");

    assertThatThrownBy(() -> builder.region("us east").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region");
    builder.region("us-east-1");
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connect timeout");
  }
}
