package dev.tuneloop.serving.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.events.DeploymentState.Mode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeployedModelsTest {

  private final Map<String, FakeModel> loaded = new ConcurrentHashMap<>();
  private final AtomicInteger loads = new AtomicInteger();
  private volatile boolean failLoads;

  private final DeployedModels models =
      new DeployedModels(
          (name, version) -> {
            if (failLoads) {
              throw new java.io.IOException("no objects under " + version.artifactUri());
            }
            loads.incrementAndGet();
            FakeModel model = new FakeModel(version.version(), 5);
            loaded.put(version.version(), model);
            return model;
          },
          new BatchingSettings(4, Duration.ofMillis(1), 1000, 2),
          Pattern.compile("it-.*"),
          s -> {});

  @AfterEach
  void close() {
    models.close();
  }

  private Deployment awaitRevision(String model, long revision) {
    Poll.until(
        Duration.ofSeconds(10),
        () ->
            models.deployment(model).map(d -> d.revision() == revision).orElse(false)
                || models.status(model).status() == DeployedModels.Status.FAILED);
    return models.deployment(model).orElseThrow();
  }

  @Test
  void loadsTheVersionsOfAStateAndReusesThemWhenTheChallengerIsPromoted() {
    assertThat(models.status("it-a").status()).isEqualTo(DeployedModels.Status.UNKNOWN);
    models.offer(States.state("it-a", 1, "1", "2", Mode.AB, 0.5), "corr-1");
    Deployment first = awaitRevision("it-a", 1);
    assertThat(first.champion().version()).isEqualTo("1");
    assertThat(first.challenger().version()).isEqualTo("2");
    assertThat(first.correlationId()).isEqualTo("corr-1");

    models.offer(States.state("it-a", 2, "2", null, Mode.AB, 0), "corr-2");
    Deployment promoted = awaitRevision("it-a", 2);
    assertThat(promoted.champion()).isSameAs(first.challenger());
    assertThat(loads).hasValue(2);
    Poll.until(Duration.ofSeconds(5), () -> loaded.get("1").closed.get());
    assertThat(loaded.get("2").closed).isFalse();
  }

  @Test
  void ignoresOldRevisionsAndModelsOutsideTheFilter() {
    assertThat(models.offer(States.state("it-b", 5, "1", null, Mode.AB, 0), "c")).isTrue();
    assertThat(models.offer(States.state("it-b", 5, "9", null, Mode.AB, 0), "c")).isFalse();
    assertThat(models.offer(States.state("it-b", 4, "9", null, Mode.AB, 0), "c")).isFalse();
    assertThat(models.offer(States.state("other", 1, "1", null, Mode.AB, 0), "c")).isFalse();
    assertThat(awaitRevision("it-b", 5).champion().version()).isEqualTo("1");
    assertThat(models.status("other").status()).isEqualTo(DeployedModels.Status.UNKNOWN);
  }

  @Test
  void aFailedLoadKeepsServingThePreviousVersionAndSaysWhy() {
    models.offer(States.state("it-c", 1, "1", null, Mode.AB, 0), "c");
    awaitRevision("it-c", 1);
    failLoads = true;
    models.offer(States.state("it-c", 2, "2", null, Mode.AB, 0), "c");
    Poll.until(Duration.ofSeconds(5), () -> models.status("it-c").lastError() != null);
    DeployedModels.ModelStatus status = models.status("it-c");
    assertThat(status.status()).isEqualTo(DeployedModels.Status.READY);
    assertThat(status.deployment().champion().version()).isEqualTo("1");
    assertThat(status.lastError()).contains("revision 2").contains("no objects under");
  }

  @Test
  void aModelThatNeverLoadedIsFailedWithTheReason() {
    failLoads = true;
    models.offer(States.state("it-d", 1, "1", null, Mode.AB, 0), "c");
    Poll.until(
        Duration.ofSeconds(5),
        () -> models.status("it-d").status() == DeployedModels.Status.FAILED);
    assertThat(models.deployment("it-d")).isEmpty();
    assertThat(models.status("it-d").lastError()).contains("no objects under");
  }
}
