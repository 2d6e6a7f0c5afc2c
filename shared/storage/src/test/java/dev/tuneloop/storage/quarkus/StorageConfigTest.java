package dev.tuneloop.storage.quarkus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.RetryPolicy;
import dev.tuneloop.storage.StorageSettings;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration mapping as SmallRye Config reads it, with Quarkus' converters. */
class StorageConfigTest {

  static StorageConfig config(Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(StorageConfig.class)
            .withConverter(Duration.class, 200, new DurationConverter())
            .withConverter(MemorySize.class, 200, new MemorySizeConverter())
            .withSources(new PropertiesConfigSource(properties, "test", 100))
            .build();
    return config.getConfigMapping(StorageConfig.class);
  }

  @Test
  void defaultsMatchTheLocalStackAndTheDesign() {
    StorageConfig config =
        config(
            Map.of(
                "tuneloop.storage.access-key", "access",
                "tuneloop.storage.secret-key", "secret"));

    StorageSettings settings = ObjectStoreProducer.toSettings(config);

    assertThat(settings.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(settings.region()).isEqualTo("us-east-1");
    assertThat(settings.partSize()).isEqualTo(16L * 1024 * 1024);
    assertThat(settings.retryPolicy()).isEqualTo(RetryPolicy.DEFAULT);
    assertThat(config.buckets()).isEqualTo(Buckets.ALL);
    assertThat(config.createBuckets()).isTrue();
    assertThat(config.health().timeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void everySettingCanBeOverridden() {
    StorageConfig config =
        config(
            Map.ofEntries(
                Map.entry("tuneloop.storage.endpoint", "https://s3.eu-west-1.amazonaws.com"),
                Map.entry("tuneloop.storage.access-key", "access"),
                Map.entry("tuneloop.storage.secret-key", "secret"),
                Map.entry("tuneloop.storage.region", "eu-west-1"),
                Map.entry("tuneloop.storage.part-size", "64M"),
                Map.entry("tuneloop.storage.io-timeout", "5m"),
                Map.entry("tuneloop.storage.spool-directory", "/var/tmp/tuneloop"),
                Map.entry("tuneloop.storage.retry.max-attempts", "3"),
                Map.entry("tuneloop.storage.retry.initial-backoff", "50ms"),
                Map.entry("tuneloop.storage.buckets", "tuneloop-models")));

    StorageSettings settings = ObjectStoreProducer.toSettings(config);

    assertThat(settings.endpoint().getHost()).isEqualTo("s3.eu-west-1.amazonaws.com");
    assertThat(settings.region()).isEqualTo("eu-west-1");
    assertThat(settings.partSize()).isEqualTo(64L * 1024 * 1024);
    assertThat(settings.ioTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.spoolDirectory()).hasToString("/var/tmp/tuneloop");
    assertThat(settings.retryPolicy().maxAttempts()).isEqualTo(3);
    assertThat(settings.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.buckets()).containsExactly("tuneloop-models");
  }

  @Test
  void missingKeysNameThePropertyAndTheEnvironmentVariable() {
    StorageConfig config = config(Map.of("tuneloop.storage.access-key", "access"));

    assertThatThrownBy(() -> ObjectStoreProducer.toSettings(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tuneloop.storage.secret-key")
        .hasMessageContaining("TUNELOOP_STORAGE_SECRET_KEY");
  }
}
