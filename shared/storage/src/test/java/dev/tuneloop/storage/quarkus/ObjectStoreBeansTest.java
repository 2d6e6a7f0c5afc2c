package dev.tuneloop.storage.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.storage.ObjectStore;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The Quarkus wiring as a service sees it: the configuration mapping, the application-scoped {@link
 * ObjectStore} bean and the {@code object-store} readiness check (see
 * src/test/resources/application.properties: nothing listens at the endpoint).
 */
@QuarkusTest
class ObjectStoreBeansTest {

  @Inject ObjectStore store;

  @Inject SmallRyeHealthReporter health;

  @Test
  void objectStoreBeanIsConfiguredFromTuneloopStorageProperties() {
    assertThat(store.settings().endpoint()).isEqualTo(URI.create("http://127.0.0.1:1"));
    assertThat(store.settings().accessKey()).isEqualTo("test-access");
  }

  @Test
  void readinessIncludesTheObjectStoreCheckAndReportsItDown() {
    SmallRyeHealth readiness = health.getReadiness();

    assertThat(readiness.isDown()).isTrue();
    JsonObject check =
        readiness.getPayload().getJsonArray("checks").stream()
            .map(JsonObject.class::cast)
            .filter(c -> c.getString("name").equals(ObjectStoreReadinessCheck.NAME))
            .findFirst()
            .orElseThrow();
    assertThat(check.getString("status")).isEqualTo("DOWN");
    assertThat(check.getJsonObject("data").getString("endpoint")).isEqualTo("http://127.0.0.1:1");
    assertThat(check.getJsonObject("data").getString("error")).contains("cannot connect");
  }
}
