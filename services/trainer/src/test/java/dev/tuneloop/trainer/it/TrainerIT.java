package dev.tuneloop.trainer.it;

import static dev.tuneloop.trainer.it.TrainerFixtures.json;
import static dev.tuneloop.trainer.it.TrainerFixtures.request;
import static dev.tuneloop.trainer.it.TrainerFixtures.states;
import static dev.tuneloop.trainer.it.TrainerFixtures.tiny;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.ModelTrained;
import dev.tuneloop.events.Topics;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStatus;
import dev.tuneloop.events.TrainingStrategy;
import dev.tuneloop.ml.inference.Prediction;
import dev.tuneloop.ml.inference.TextClassifier;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.ml.store.ObjectUri;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.ObjectSummary;
import dev.tuneloop.testing.RealStack;
import dev.tuneloop.testing.StackEndpoints;
import dev.tuneloop.tracking.MetricPoint;
import dev.tuneloop.tracking.ModelRegistryClient;
import dev.tuneloop.tracking.ModelVersion;
import dev.tuneloop.tracking.ModelVersionSpec;
import dev.tuneloop.tracking.RunStatus;
import dev.tuneloop.tracking.TrackedRun;
import dev.tuneloop.tracking.TrackingClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trainer against the real Kafka, MinIO and MLflow, with a tiny random BERT and synthetic
 * spam/ham data. Every model, dataset and job name carries this run's suffix.
 */
@QuarkusTest
@QuarkusTestResource(value = TrainerTestResource.class, restrictToAnnotatedClass = true)
class TrainerIT {

  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
  private static final StackEndpoints STACK = RealStack.get();
  private static final int TRAIN = 64;

  private static String base;
  private static String dataset;
  private static TrainerFixtures.Collector collector;

  @Inject ObjectStore store;
  @Inject TrackingClient tracking;
  @Inject ModelRegistryClient registry;

  @BeforeEach
  void setUp() throws Exception {
    if (collector != null) {
      return;
    }
    Path scratch = Files.createDirectories(Path.of("target", "it-" + TrainerFixtures.RUN));
    base = TrainerFixtures.uploadBaseModel(store, scratch);
    dataset = "it-trainer-data-" + TrainerFixtures.RUN;
    TrainerFixtures.uploadDataset(store, scratch, dataset, TRAIN, 24, 24);
    collector =
        new TrainerFixtures.Collector(
            STACK,
            List.of(
                Topics.TRAINING_STATUS,
                Topics.MODEL_TRAINED,
                Topics.dlq(Topics.TRAINING_REQUESTED)));
    TrainerFixtures.awaitConsumerGroup(STACK.kafkaBootstrapServers(), Duration.ofMinutes(1));
  }

  @AfterAll
  static void tearDown() throws InterruptedException {
    if (collector != null) {
      collector.close();
    }
  }

  private static String model(String name) {
    return TrainerFixtures.MODEL_PREFIX + name;
  }

  private static RecordMetadata send(TrainingRequested job) throws Exception {
    try (KafkaProducer<String, byte[]> p =
        TrainerFixtures.producer(STACK.kafkaBootstrapServers())) {
      return p.send(EventEnvelope.startLoop(job, "tuneloop/it").toProducerRecord()).get();
    }
  }

  @Test
  void jobFromKafkaSucceedsWithCandidateMlflowRunAndOneModelTrainedAndIsNotTrainedTwice()
      throws Exception {
    String model = model("spam");
    String jobId = "job-happy-" + TrainerFixtures.RUN;
    TrainingRequested job =
        request(jobId, model, dataset, base, TrainingStrategy.LORA, tiny(2, 8, 5e-3));
    send(job);

    List<TrainingStatus> statuses = collector.awaitTerminal(jobId, JOB_TIMEOUT);
    assertThat(states(statuses)).containsExactly("validating", "queued", "running", "succeeded");
    TrainingStatus last = statuses.get(statuses.size() - 1);
    assertThat(last.step()).isEqualTo(16); // 64 texts / 8 per step * 2 epochs
    assertThat(last.totalSteps()).isEqualTo(16L);
    assertThat(last.metrics()).containsKey("val_accuracy");

    List<ModelTrained> trained = collector.trained(jobId);
    assertThat(trained).hasSize(1);
    ModelTrained event = trained.get(0);
    String candidate = "s3://tuneloop-models/" + model + "/candidates/" + jobId + "/";
    assertThat(event.candidateUri()).isEqualTo(candidate);
    assertThat(event.labels()).containsExactly("ham", "spam");
    assertThat(event.validationMetrics()).containsKeys("accuracy", "macro_f1");
    assertThat(event.lineage().dataset()).isEqualTo(dataset);
    assertThat(event.lineage().datasetVersion()).isEqualTo(1);
    assertThat(event.lineage().strategy()).isEqualTo(TrainingStrategy.LORA);
    assertThat(event.lineage().baseModel()).isEqualTo(base);

    // The artifact in the design's layout, with card and reference profile.
    String prefix = model + "/candidates/" + jobId + "/";
    List<String> files =
        store.list(Buckets.MODELS, prefix).stream()
            .map(ObjectSummary::key)
            .map(k -> k.substring(prefix.length()))
            .toList();
    assertThat(files)
        .contains(
            "config.json",
            "tokenizer.json",
            "adapter_model.safetensors",
            "adapter_config.json",
            "head.safetensors",
            "labels.json",
            "model_card.json",
            "reference_profile.json");
    JsonNode card = json(store, Buckets.MODELS, prefix + "model_card.json");
    assertThat(card.path("job_id").asText()).isEqualTo(jobId);
    assertThat(card.path("strategy").asText()).isEqualTo("lora");
    assertThat(card.path("base_model").path("uri").asText())
        .isEqualTo("s3://tuneloop-models/base/" + base + "/");
    assertThat(card.path("base_model").path("sha256").asText())
        .isEqualTo(event.lineage().baseModelSha256());
    assertThat(card.path("dataset").path("manifest_sha256").asText())
        .hasSize(64)
        .isEqualTo(event.lineage().datasetSha256());
    assertThat(card.path("mlflow_run_id").asText()).isEqualTo(event.mlflowRunId());
    assertThat(card.path("hyperparameters").path("epochs").asInt()).isEqualTo(2);
    assertThat(card.path("metrics").path("validation").path("accuracy").isNumber()).isTrue();
    assertThat(card.has("warm_start")).isTrue();
    JsonNode profile = json(store, Buckets.MODELS, prefix + "reference_profile.json");
    assertThat(profile.path("sample_count").asInt()).isEqualTo(TRAIN);
    assertThat(profile.path("label_distribution").path("spam").asDouble()).isEqualTo(0.5);
    assertThat(profile.path("embedding").path("dimension").asInt()).isEqualTo(16);
    assertThat(profile.path("embedding").path("projections")).hasSize(16);
    assertThat(profile.path("confidence").path("counts")).isNotEmpty();

    // Loads exactly as serving loads it (LoRA merged onto the base the card names).
    ModelStore models = new ModelStore(store, Path.of("target", "it-cache-" + TrainerFixtures.RUN));
    try (TextClassifier classifier = models.loadClassifier(ObjectUri.parse(candidate), null, 8)) {
      List<Prediction> p = classifier.predict(List.of("win free cash now", "team meeting notes"));
      assertThat(p).hasSize(2).allMatch(x -> List.of("ham", "spam").contains(x.label()));
    }

    // MLflow: the run with tags, params, per-step and final metrics, and artifacts.
    TrackedRun run = tracking.getRun(event.mlflowRunId());
    assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.tags())
        .containsEntry("tuneloop.job_id", jobId)
        .containsEntry("tuneloop.kind", "training")
        .containsEntry("tuneloop.dataset", dataset)
        .containsEntry("tuneloop.dataset_version", "1")
        .containsEntry("tuneloop.candidate_uri", candidate);
    assertThat(run.params()).containsEntry("epochs", "2").containsEntry("strategy", "lora");
    assertThat(run.latestMetrics()).containsKeys("val_accuracy", "test_accuracy");
    List<MetricPoint> loss = tracking.getMetricHistory(run.runId(), "train_loss");
    assertThat(loss).hasSize(16);

    // REST shows the same.
    Response r = given().get("/api/v1/training-jobs/{id}", jobId);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.jsonPath().getString("state")).isEqualTo("succeeded");
    assertThat(r.jsonPath().getString("candidateUri")).isEqualTo(candidate);

    // The same job id again: trained once, nothing new published.
    int statusCount = collector.statuses(jobId).size();
    RecordMetadata again = send(job);
    awaitCommitted(again);
    assertThat(collector.statuses(jobId)).hasSize(statusCount);
    assertThat(collector.trained(jobId)).hasSize(1);
  }

  @Test
  void warmStartFromTheChampionTrainsOnNewRecordsPlusARehearsalShare() throws Exception {
    String model = model("warm");
    String warmData = "it-trainer-warm-" + TrainerFixtures.RUN;
    Path scratch = Path.of("target", "it-" + TrainerFixtures.RUN);
    TrainerFixtures.uploadDataset(store, scratch, warmData, 64, 16, 16);
    String first = "job-warm1-" + TrainerFixtures.RUN;
    send(request(first, model, warmData, base, TrainingStrategy.FULL, tiny(1, 8, 1e-3)));
    assertThat(collector.awaitTerminal(first, JOB_TIMEOUT).get(0).jobId()).isEqualTo(first);
    ModelTrained champion = collector.trained(first).get(0);
    registry.getOrCreateRegisteredModel(model, "", Map.of());
    ModelVersion version =
        registry.createModelVersion(
            ModelVersionSpec.of(model, champion.candidateUri(), champion.mlflowRunId()));
    registry.setAlias(model, "champion", version.version());

    // v2 adds 32 records to the 64 of v1; a quarter of the earlier ones are rehearsed: 48 texts
    TrainerFixtures.uploadVersion2(store, scratch, warmData, 32);
    String second = "job-warm2-" + TrainerFixtures.RUN;
    send(
        new TrainingRequested(
            second,
            model,
            warmData,
            2,
            base,
            TrainingStrategy.FULL,
            new TrainingRequested.Hyperparameters(
                1, null, 8, 1e-3, null, null, null, null, 32, null, null, 0.25, null),
            TrainingRequested.Reason.NEW_DATA,
            null,
            "champion",
            java.time.Instant.now()));
    List<TrainingStatus> statuses = collector.awaitTerminal(second, JOB_TIMEOUT);
    TrainingStatus last = statuses.get(statuses.size() - 1);
    assertThat(last.state()).as("%s", last.failure()).isEqualTo(TrainingStatus.State.SUCCEEDED);
    assertThat(last.step()).isEqualTo(6); // 48 texts / 8 per step, one epoch
    ModelTrained trained = collector.trained(second).get(0);
    assertThat(trained.lineage().warmStartVersion()).isEqualTo(version.version());
    assertThat(trained.lineage().datasetVersion()).isEqualTo(2);
    JsonNode card =
        json(store, Buckets.MODELS, model + "/candidates/" + second + "/model_card.json");
    assertThat(card.path("warm_start").path("version").asText()).isEqualTo(version.version());
    assertThat(card.path("warm_start").path("uri").asText()).isEqualTo(champion.candidateUri());
    // the reference profile describes the whole v2 train split, not the mix
    JsonNode profile =
        json(store, Buckets.MODELS, model + "/candidates/" + second + "/reference_profile.json");
    assertThat(profile.path("sample_count").asInt()).isEqualTo(96);
  }

  @Test
  void badJobsEndFailedWithAReasonCodeAndPublishNoCandidate() throws Exception {
    String noData = "job-nodata-" + TrainerFixtures.RUN;
    String badRate = "job-badrate-" + TrainerFixtures.RUN;
    send(
        request(
            noData,
            model("bad"),
            dataset + "-missing",
            base,
            TrainingStrategy.LORA,
            tiny(1, 8, null)));
    send(request(badRate, model("bad"), dataset, base, TrainingStrategy.LORA, tiny(1, 8, 5.0)));

    List<TrainingStatus> missing = collector.awaitTerminal(noData, JOB_TIMEOUT);
    assertThat(states(missing)).containsExactly("validating", "failed");
    assertThat(missing.get(1).failure().code()).isEqualTo("dataset_not_found");
    assertThat(missing.get(1).failure().message()).contains(dataset + "-missing");

    List<TrainingStatus> rate = collector.awaitTerminal(badRate, JOB_TIMEOUT);
    assertThat(states(rate)).containsExactly("validating", "failed");
    assertThat(rate.get(1).failure().code()).isEqualTo("invalid_hyperparameter");
    assertThat(rate.get(1).failure().message()).contains("learningRate must be in (0, 1), was 5.0");

    assertThat(collector.trained(noData)).isEmpty();
    assertThat(collector.trained(badRate)).isEmpty();
    Response r = given().get("/api/v1/training-jobs/{id}", badRate);
    assertThat(r.jsonPath().getString("state")).isEqualTo("failed");
    assertThat(r.jsonPath().getString("failure.code")).isEqualTo("invalid_hyperparameter");
  }

  @Test
  void restApiSubmitsShowsAndCancelsAJob() throws Exception {
    String jobId = "job-cancel-" + TrainerFixtures.RUN;
    String body =
        """
        {"jobId": "%s", "modelName": "%s", "dataset": "%s", "datasetVersion": 1,
         "baseModel": "%s", "strategy": "full",
         "hyperparameters": {"epochs": 100, "batchSize": 1, "maxSequenceLength": 32}}
        """
            .formatted(jobId, model("cancel"), dataset, base);
    Response submitted =
        given().contentType("application/json").body(body).post("/api/v1/training-jobs");
    assertThat(submitted.statusCode()).as(submitted.asString()).isEqualTo(202);
    assertThat(submitted.jsonPath().getString("jobId")).isEqualTo(jobId);

    collector.awaitStatus(
        jobId, s -> s.state() == TrainingStatus.State.RUNNING && s.step() > 0, JOB_TIMEOUT);
    Response running = given().get("/api/v1/training-jobs/{id}", jobId);
    assertThat(running.jsonPath().getString("state")).isEqualTo("running");
    assertThat(running.jsonPath().getLong("totalSteps")).isEqualTo(6400L);

    Response cancel = given().delete("/api/v1/training-jobs/{id}", jobId);
    assertThat(cancel.statusCode()).as(cancel.asString()).isEqualTo(202);
    List<TrainingStatus> statuses = collector.awaitTerminal(jobId, JOB_TIMEOUT);
    assertThat(states(statuses)).containsExactly("validating", "queued", "running", "cancelled");
    assertThat(statuses.get(statuses.size() - 1).step()).isLessThan(6400);
    assertThat(collector.trained(jobId)).isEmpty();
    assertThat(given().get("/api/v1/training-jobs/{id}", jobId).jsonPath().getString("state"))
        .isEqualTo("cancelled");
    assertThat(given().delete("/api/v1/training-jobs/{id}", jobId).statusCode()).isEqualTo(409);

    // Errors a user can act on.
    assertThat(given().get("/api/v1/training-jobs/{id}", "no-such-" + jobId).statusCode())
        .isEqualTo(404);
    Response invalid =
        given()
            .contentType("application/json")
            .body(body.replace("\"modelName\": \"" + model("cancel") + "\",", ""))
            .post("/api/v1/training-jobs");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.jsonPath().getString("error")).isEqualTo("invalid_request");
    assertThat(invalid.jsonPath().getString("detail")).contains("modelName");
    Response duplicate =
        given().contentType("application/json").body(body).post("/api/v1/training-jobs");
    assertThat(duplicate.statusCode()).isEqualTo(409);
  }

  @Test
  void undecodableRequestGoesToTheDeadLetterTopicWithItsCause() throws Exception {
    String key = "job-garbage-" + TrainerFixtures.RUN;
    TrainerFixtures.sendRaw(
        STACK.kafkaBootstrapServers(),
        key,
        "not a training request".getBytes(StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline
        && collector
            .of(Topics.dlq(Topics.TRAINING_REQUESTED), r -> key.equals(r.key()))
            .isEmpty()) {
      Thread.sleep(200);
    }
    var dead = collector.of(Topics.dlq(Topics.TRAINING_REQUESTED), r -> key.equals(r.key()));
    assertThat(dead).isNotEmpty();
    Header reason = dead.get(0).headers().lastHeader("dead-letter-reason");
    assertThat(reason).isNotNull();
    assertThat(new String(reason.value(), StandardCharsets.UTF_8)).isNotBlank();
    assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8))
        .isEqualTo("not a training request");
  }

  /** Waits until the trainer's group committed past the record. */
  private static void awaitCommitted(RecordMetadata record) throws Exception {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.kafkaBootstrapServers()))) {
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin
                .listConsumerGroupOffsets(TrainerFixtures.GROUP)
                .partitionsToOffsetAndMetadata()
                .get();
        OffsetAndMetadata o = offsets.get(tp);
        if (o != null && o.offset() > record.offset()) {
          return;
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError("the trainer did not get past offset " + record.offset());
  }
}
