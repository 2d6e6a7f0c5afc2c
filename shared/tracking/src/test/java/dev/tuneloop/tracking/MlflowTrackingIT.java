package dev.tuneloop.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.testing.RealStackExtension;
import dev.tuneloop.testing.StackEndpoints;
import dev.tuneloop.tracking.quarkus.MlflowReadinessCheck;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The tracking module against the real MLflow server of the test stack. */
@ExtendWith(RealStackExtension.class)
class MlflowTrackingIT {

  private static MlflowConnection mlflow;
  private static String mlflowUri;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void connect(StackEndpoints stack) {
    mlflowUri = stack.mlflowUri();
    mlflow = MlflowConnection.open(mlflowUri);
  }

  @AfterAll
  static void close() {
    mlflow.close();
  }

  @Test
  void runGetsParamsBatchedMetricsTagsAndEndsFinished() {
    TrackingClient tracking = mlflow.tracking();
    String experimentId = tracking.getOrCreateExperiment("it-tracking-" + suffix);
    String jobId = "job-" + suffix;
    TrackedRun run =
        tracking.startRun(experimentId, "train " + suffix, Map.of("tuneloop.job_id", jobId));
    assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(run.artifactUri()).startsWith("mlflow-artifacts:/");

    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < 150; i++) {
      params.put("hp.p" + i, Integer.toString(i));
    }
    List<MetricPoint> metrics = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    for (int step = 0; step < 2500; step++) {
      metrics.add(new MetricPoint("train/loss", 2.0 / (step + 1), t0 + step, step));
    }
    metrics.add(new MetricPoint("val/f1", 0.91, t0, 2499));

    int requests =
        tracking.logBatch(run.runId(), metrics, params, Map.of("tuneloop.strategy", "lora"));
    tracking.setTag(run.runId(), "tuneloop.dataset", "spam/v3");
    tracking.logMetric(run.runId(), "val/f1", 0.93, 2500);
    tracking.endRun(run.runId(), RunStatus.FINISHED);

    assertThat(requests).isGreaterThanOrEqualTo(3);
    TrackedRun stored = tracking.getRun(run.runId());
    assertThat(stored.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(stored.endTimeMillis()).isPresent();
    assertThat(stored.params()).hasSize(150).containsEntry("hp.p149", "149");
    assertThat(stored.latestMetrics())
        .containsEntry("train/loss", 2.0 / 2500)
        .containsEntry("val/f1", 0.93);
    assertThat(stored.tags())
        .containsEntry("tuneloop.job_id", jobId)
        .containsEntry("tuneloop.strategy", "lora")
        .containsEntry("tuneloop.dataset", "spam/v3")
        .containsEntry("mlflow.runName", "train " + suffix);

    List<MetricPoint> history = tracking.getMetricHistory(run.runId(), "train/loss");
    assertThat(history).hasSize(2500);
    assertThat(history.stream().mapToLong(MetricPoint::step).sorted().toArray())
        .containsExactly(java.util.stream.LongStream.range(0, 2500).toArray());

    assertThat(tracking.findRunsByTag(experimentId, "tuneloop.job_id", jobId))
        .extracting(TrackedRun::runId)
        .containsExactly(run.runId());
    assertThat(tracking.findRunsByTag(experimentId, "tuneloop.job_id", "no-such-job")).isEmpty();
  }

  @Test
  void experimentCreationIsIdempotentAndRaceSafe() throws Exception {
    String name = "it-race-" + suffix;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<String>> creators = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        creators.add(() -> mlflow.tracking().getOrCreateExperiment(name));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> id : pool.invokeAll(creators)) {
        ids.add(id.get());
      }
      assertThat(ids).containsOnly(ids.get(0));
      assertThat(mlflow.tracking().getOrCreateExperiment(name)).isEqualTo(ids.get(0));
      assertThat(mlflow.tracking().findExperimentId(name)).contains(ids.get(0));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void artifactsAreUploadedListedAndDownloadedByteEqual(@TempDir Path dir) throws IOException {
    TrackedRun run =
        mlflow
            .tracking()
            .startRun(
                mlflow.tracking().getOrCreateExperiment("it-artifacts-" + suffix),
                "artifacts",
                Map.of());
    ArtifactClient artifacts = mlflow.artifacts();
    byte[] weights = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(weights);
    Path weightsFile = Files.write(dir.resolve("weights.bin"), weights);
    byte[] config = "{\"hidden_size\": 384}".getBytes(StandardCharsets.UTF_8);
    byte[] notes = "trained on spam/v3\n".repeat(1000).getBytes(StandardCharsets.UTF_8);

    artifacts.upload(run.artifactUri(), "model/model.safetensors", weightsFile);
    artifacts.upload(
        run.artifactUri(),
        "model/config.json",
        () -> new ByteArrayInputStream(config),
        config.length);
    try (InputStream once = new ByteArrayInputStream(notes)) {
      artifacts.upload(run.artifactUri(), "notes/read me.txt", once, -1);
    }

    assertThat(artifacts.list(run.artifactUri(), ""))
        .containsExactlyInAnyOrder(
            new ArtifactEntry("model", true, 0), new ArtifactEntry("notes", true, 0));
    assertThat(artifacts.list(run.artifactUri(), "model"))
        .containsExactlyInAnyOrder(
            new ArtifactEntry("model/model.safetensors", false, weights.length),
            new ArtifactEntry("model/config.json", false, config.length));
    assertThat(artifacts.listFiles(run.artifactUri(), ""))
        .extracting(ArtifactEntry::path)
        .containsExactlyInAnyOrder(
            "model/model.safetensors", "model/config.json", "notes/read me.txt");
    assertThat(artifacts.list(run.artifactUri(), "nothing-here")).isEmpty();

    Path downloaded = dir.resolve("out/model.safetensors");
    long bytes = artifacts.download(run.artifactUri(), "model/model.safetensors", downloaded);
    assertThat(bytes).isEqualTo(weights.length);
    assertThat(Files.mismatch(weightsFile, downloaded)).isEqualTo(-1L);
    try (InputStream in = artifacts.open(run.artifactUri(), "notes/read me.txt")) {
      assertThat(in.readAllBytes()).isEqualTo(notes);
    }
    try (InputStream in = artifacts.open(run.artifactUri(), "model/config.json")) {
      assertThat(in.readAllBytes()).isEqualTo(config);
    }
    assertThatThrownBy(() -> artifacts.open(run.artifactUri(), "model/missing.bin"))
        .isInstanceOfSatisfying(
            MlflowApiException.class,
            e -> assertThat(e.errorCode()).isEqualTo(MlflowApiException.RESOURCE_DOES_NOT_EXIST))
        .hasMessageContaining("model/missing.bin");
    mlflow.tracking().endRun(run.runId(), RunStatus.FINISHED);
  }

  @Test
  void registeredModelGetsAVersionFromTheRunAndAnAliasThatIsSetReadAndDeleted() {
    TrackingClient tracking = mlflow.tracking();
    TrackedRun run =
        tracking.startRun(
            tracking.getOrCreateExperiment("it-registry-" + suffix), "candidate", Map.of());
    ModelRegistryClient registry = mlflow.registry();
    String name = "it-spam-" + suffix;

    RegisteredModel model =
        registry.getOrCreateRegisteredModel(
            name, "spam classifier", Map.of("tuneloop.task", "spam"));
    RegisteredModel again = registry.getOrCreateRegisteredModel(name, "ignored", Map.of());
    assertThat(again.name()).isEqualTo(model.name());
    assertThat(again.description()).isEqualTo("spam classifier");
    assertThat(again.tags()).containsEntry("tuneloop.task", "spam");
    registry.setRegisteredModelTag(name, "tuneloop.owner", "registry");
    assertThat(registry.getRegisteredModel(name).tags())
        .containsEntry("tuneloop.owner", "registry");
    assertThat(registry.searchRegisteredModels("name = '" + name + "'"))
        .extracting(RegisteredModel::name)
        .containsExactly(name);

    ModelVersionSpec spec =
        ModelVersionSpec.of(name, run.artifactUri() + "/model", run.runId())
            .withDescription("candidate of job " + suffix)
            .withTags(Map.of("tuneloop.job_id", "job-" + suffix));
    ModelVersion version = registry.getOrCreateModelVersion(spec);
    assertThat(version.version()).isEqualTo("1");
    assertThat(version.runId()).isEqualTo(run.runId());
    assertThat(version.source()).isEqualTo(run.artifactUri() + "/model");
    assertThat(version.status()).isEqualTo("READY");
    assertThat(version.tags()).containsEntry("tuneloop.job_id", "job-" + suffix);
    assertThat(registry.getOrCreateModelVersion(spec).version()).isEqualTo("1");
    assertThat(registry.findModelVersionsByRunId(run.runId()))
        .extracting(ModelVersion::version)
        .containsExactly("1");
    registry.setModelVersionTag(name, "1", "tuneloop.verdict", "pass");
    assertThat(registry.getModelVersion(name, "1").tags())
        .containsEntry("tuneloop.verdict", "pass");
    assertThat(registry.findModelVersion(name, "2")).isEmpty();

    assertThat(registry.getVersionByAlias(name, "champion")).isEmpty();
    registry.setAlias(name, "champion", "1");
    assertThat(registry.getVersionByAlias(name, "champion"))
        .hasValueSatisfying(
            v -> {
              assertThat(v.version()).isEqualTo("1");
              assertThat(v.aliases()).contains("champion");
            });
    assertThat(registry.getRegisteredModel(name).versionOf("champion")).contains("1");
    registry.deleteAlias(name, "champion");
    assertThat(registry.getVersionByAlias(name, "champion")).isEmpty();
    registry.deleteAlias(name, "champion");
    assertThat(registry.getVersionByAlias("it-no-such-model-" + suffix, "champion")).isEmpty();

    tracking.endRun(run.runId(), RunStatus.FINISHED);
  }

  @Test
  void readinessIsUpAgainstTheRealServer() {
    HealthCheckResponse response =
        new MlflowReadinessCheck(new MlflowHealthProbe(mlflowUri, Duration.ofSeconds(2))).call();

    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
  }
}
