package dev.tuneloop.evaluator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.events.ModelEvaluated.Reason;
import dev.tuneloop.events.ModelEvaluated.Verdict;
import dev.tuneloop.events.ModelTrained;
import dev.tuneloop.events.TrainingStrategy;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.testing.RealStack;
import dev.tuneloop.testing.RealStackResource;
import dev.tuneloop.tracking.ArtifactClient;
import dev.tuneloop.tracking.ArtifactEntry;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The evaluator against the real Kafka, MinIO and MLflow, on real tiny candidates: models, datasets
 * and jobs are unique per run (the strict-first model name is fixed, its jobs are not).
 */
@QuarkusTest
@QuarkusTestResource(RealStackResource.class)
class EvaluatorIT {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "it-operator-token";
  private static Candidates candidates;

  @Inject ObjectStore store;
  @Inject TrackingClient tracking;
  @Inject ModelRegistryClient registry;
  @Inject ArtifactClient artifacts;

  private synchronized Candidates candidates() throws Exception {
    if (candidates == null) {
      Path dir = Files.createTempDirectory("evaluator-it-");
      candidates = Candidates.make(store, dir, RUN);
      assertThat(candidates.goodTestAccuracy).as("fixture: good candidate").isGreaterThan(0.85);
      assertThat(candidates.badTestAccuracy).as("fixture: bad candidate").isLessThan(0.3);
    }
    return candidates;
  }

  /** Uploads an artifact as the trainer would and returns its model.trained event. */
  private ModelTrained trained(String model, String job, Path artifact) throws Exception {
    Candidates c = candidates();
    String uri = c.upload(store, artifact, model, job);
    String experiment = tracking.getOrCreateExperiment("tuneloop/" + model);
    TrackedRun run =
        tracking.startRun(
            experiment,
            "training-" + job,
            Map.of("tuneloop.kind", "training", "tuneloop.job_id", job));
    tracking.endRun(run.runId(), RunStatus.FINISHED);
    return new ModelTrained(
        model,
        job,
        uri,
        run.runId(),
        Map.of("accuracy", 0.9),
        Candidates.LABELS,
        new ModelTrained.Lineage(
            c.dataset, 2, "0".repeat(64), c.baseName, "0".repeat(64), TrainingStrategy.LORA, null),
        Instant.now());
  }

  /** Registers an artifact as the model's champion. */
  private String champion(String model, Path artifact) throws Exception {
    String uri = candidates().upload(store, artifact, model, "champion-" + RUN);
    registry.getOrCreateRegisteredModel(model, "evaluator IT", Map.of());
    ModelVersion v = registry.createModelVersion(ModelVersionSpec.of(model, uri, null));
    registry.setAlias(model, "champion", v.version());
    return v.version();
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealStack.get().kafkaBootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static EventEnvelope<ModelTrained> publish(ModelTrained event) throws Exception {
    EventEnvelope<ModelTrained> envelope = EventEnvelope.startLoop(event, "tuneloop/evaluator-it");
    publish(envelope.toProducerRecord());
    return envelope;
  }

  private static void publish(ProducerRecord<String, byte[]> record) throws Exception {
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(record).get(30, TimeUnit.SECONDS);
    }
  }

  /** Every record of {@code topic} with key {@code key} matching, read until enough or timeout. */
  private static List<ConsumerRecord<String, byte[]>> records(
      String topic,
      String key,
      Predicate<ConsumerRecord<String, byte[]>> matching,
      int enough,
      Duration timeout) {
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                RealStack.get().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "evaluator-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (found.size() < enough && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (key.equals(r.key()) && matching.test(r)) {
            found.add(r);
          }
        }
      }
    }
    return found;
  }

  private static List<ModelEvaluated> verdicts(String model, String job, int enough, Duration t) {
    return records(
            ModelEvaluated.TOPIC,
            model,
            r ->
                EventEnvelope.fromConsumerRecord(r, ModelEvaluated.class)
                    .data()
                    .jobId()
                    .equals(job),
            enough,
            t)
        .stream()
        .map(r -> EventEnvelope.fromConsumerRecord(r, ModelEvaluated.class).data())
        .toList();
  }

  private static ModelEvaluated verdict(String model, String job) {
    List<ModelEvaluated> found = verdicts(model, job, 1, Duration.ofMinutes(3));
    assertThat(found).as("model.evaluated of %s job %s", model, job).isNotEmpty();
    return found.get(0);
  }

  private static List<Reason> failed(ModelEvaluated e) {
    return e.reasons().stream().filter(r -> !r.passed()).toList();
  }

  private JsonNode report(String model, String version) throws Exception {
    Response r = given().get("/api/v1/evaluations/{m}/{v}", model, version);
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    return JSON.readTree(r.asString());
  }

  private void assertMlflowRun(ModelEvaluated e, String verdict) {
    TrackedRun run = tracking.getRun(e.evaluationRunId());
    assertThat(run.tags())
        .containsEntry("tuneloop.kind", "evaluation")
        .containsEntry("tuneloop.job_id", e.jobId())
        .containsEntry("tuneloop.verdict", verdict);
    assertThat(run.latestMetrics()).containsKey("test_accuracy");
    assertThat(run.latestMetrics().get("test_accuracy"))
        .isEqualTo(e.candidateMetrics().get("accuracy"));
    assertThat(artifacts.list(run.artifactUri(), ""))
        .extracting(ArtifactEntry::path)
        .contains("report.json", "report.html");
  }

  @Test
  void aBetterCandidatePassesAndAWorseOneFailsAgainstTheChampion() throws Exception {
    Candidates c = candidates();
    // Better: the champion is the bad model, the candidate the good one.
    String better = "it-ev-better-" + RUN;
    String championVersion = champion(better, c.bad);
    String betterJob = "job-good-" + RUN;
    publish(trained(better, betterJob, c.good));
    // Worse: the champion is the good model, the candidate the bad one.
    String worse = "it-ev-worse-" + RUN;
    champion(worse, c.good);
    String worseJob = "job-bad-" + RUN;
    publish(trained(worse, worseJob, c.bad));

    ModelEvaluated pass = verdict(better, betterJob);
    assertThat(pass.verdict()).as("%s", pass.reasons()).isEqualTo(Verdict.PASS);
    assertThat(pass.championVersion()).isEqualTo(championVersion);
    assertThat(pass.candidateMetrics().get("accuracy")).isGreaterThan(0.85);
    assertThat(pass.championMetrics().get("accuracy")).isLessThan(0.3);
    assertThat(pass.reasons())
        .extracting(Reason::gate)
        .contains(
            "sample_size",
            "min_threshold",
            "min_improvement",
            "max_class_drop",
            "significance",
            "regression",
            "serving_smoke_test");
    Reason mcnemar =
        pass.reasons().stream()
            .filter(r -> r.gate().equals("significance") && "accuracy".equals(r.metric()))
            .findFirst()
            .orElseThrow();
    assertThat(mcnemar.pValue()).isLessThan(0.001);
    assertThat(mcnemar.delta()).isGreaterThan(0.5);
    assertThat(pass.reasons()).anyMatch(r -> "accuracy@v1".equals(r.metric()) && r.passed());

    ModelEvaluated fail = verdict(worse, worseJob);
    assertThat(fail.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(failed(fail))
        .extracting(r -> r.gate() + " " + r.metric())
        .contains(
            "min_threshold macro_f1",
            "min_improvement macro_f1",
            "max_class_drop f1[ham]",
            "max_class_drop f1[spam]",
            "significance accuracy",
            "regression accuracy@v1");
    Reason improvement =
        failed(fail).stream()
            .filter(r -> r.gate().equals("min_improvement"))
            .findFirst()
            .orElseThrow();
    assertThat(improvement.championValue()).isGreaterThan(0.85);
    assertThat(improvement.delta()).isLessThan(-0.5);
    assertThat(improvement.message()).contains("must improve on the champion");

    // The same reasons in the report (by job id and by the champion's model version) and MLflow.
    JsonNode passReport = report(better, betterJob);
    assertThat(passReport.get("verdict").asText()).isEqualTo("pass");
    assertThat(passReport.get("candidate").get("metrics").get("confusionMatrix")).hasSize(2);
    assertThat(passReport.get("champion").get("mcnemar").get("pValue").asDouble())
        .isEqualTo(mcnemar.pValue());
    assertThat(passReport.get("candidate").get("latency").get("meanMillisPerBatch").asDouble())
        .isPositive();
    // The registry registers a passing candidate as a model version: the same report by its number.
    ModelVersion registered =
        registry.createModelVersion(ModelVersionSpec.of(better, pass.candidateUri(), null));
    assertThat(report(better, registered.version()).get("jobId").asText()).isEqualTo(betterJob);
    JsonNode failReport = report(worse, worseJob);
    assertThat(failReport.get("reasons")).hasSize(fail.reasons().size());
    assertThat(failReport.get("verdict").asText()).isEqualTo("fail");
    assertMlflowRun(pass, "pass");
    assertMlflowRun(fail, "fail");
    assertThat(tracking.getRun(fail.evaluationRunId()).tags().get("tuneloop.failed_reasons"))
        .contains("min_improvement macro_f1");
    String html =
        given().get("/api/v1/evaluations/{m}/{v}/report.html", worse, worseJob).asString();
    assertThat(html).contains("Confusion matrix: candidate", "max_class_drop", "FAIL");
  }

  @Test
  void theFirstModelPassesOnThresholdsAndADuplicateGivesOneVerdict() throws Exception {
    Candidates c = candidates();
    String model = "it-ev-first-" + RUN;
    String job = "job-first-" + RUN;
    ModelTrained event = trained(model, job, c.good);
    EventEnvelope<ModelTrained> first = publish(event);
    publish(first.toProducerRecord()); // the same event redelivered
    publish(event); // the same job announced again under a new event id

    ModelEvaluated e = verdict(model, job);
    assertThat(e.verdict()).as("%s", e.reasons()).isEqualTo(Verdict.PASS);
    assertThat(e.championVersion()).isNull();
    assertThat(e.championMetrics()).isEmpty();
    assertThat(e.reasons())
        .extracting(Reason::gate)
        .containsExactly("sample_size", "no_champion", "min_threshold", "serving_smoke_test");
    // Another duplicate after the verdict, then make sure only one verdict exists.
    publish(event);
    Thread.sleep(3000);
    assertThat(verdicts(model, job, 2, Duration.ofSeconds(10))).hasSize(1);
    assertMlflowRun(e, "pass");
    assertThat(
            tracking.findRunsByTag(
                tracking.getOrCreateExperiment("tuneloop/" + model), "tuneloop.kind", "evaluation"))
        .hasSize(1);
  }

  @Test
  void aStrictFirstModelFailsAndAnOperatorCanForceAPass() throws Exception {
    Candidates c = candidates();
    String model = "it-ev-strict-first";
    // The model name is fixed (its policy is configured by name), so on a stack reused from an
    // earlier run a registry may have promoted that run's forced pass: make it a first model again.
    if (registry.findRegisteredModel(model).isPresent()) {
      registry.deleteAlias(model, "champion");
    }
    String job = "job-strict-" + RUN;
    publish(trained(model, job, c.good));
    ModelEvaluated e = verdict(model, job);
    assertThat(e.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(failed(e)).extracting(Reason::gate).containsExactly("no_champion");

    String path = "/api/v1/evaluations/{m}/{v}/override";
    String body = "{\"operator\":\"alice\",\"reason\":\"first spam model, reviewed by hand\"}";
    given()
        .contentType("application/json")
        .body(body)
        .post(path, model, job)
        .then()
        .statusCode(401);
    given()
        .header("Authorization", "Bearer wrong")
        .contentType("application/json")
        .body(body)
        .post(path, model, job)
        .then()
        .statusCode(401);
    Response missingReason =
        given()
            .header("Authorization", "Bearer " + TOKEN)
            .contentType("application/json")
            .body("{\"operator\":\"alice\"}")
            .post(path, model, job);
    assertThat(missingReason.statusCode()).isEqualTo(400);
    assertThat(missingReason.jsonPath().getString("error")).isEqualTo("invalid_reason");
    Response forced =
        given()
            .header("Authorization", "Bearer " + TOKEN)
            .contentType("application/json")
            .body(body)
            .post(path, model, job);
    assertThat(forced.statusCode()).as(forced.asString()).isEqualTo(200);
    Response again =
        given()
            .header("Authorization", "Bearer " + TOKEN)
            .contentType("application/json")
            .body(body)
            .post(path, model, job);
    assertThat(again.statusCode()).isEqualTo(409);

    List<ModelEvaluated> events = verdicts(model, job, 2, Duration.ofSeconds(60));
    assertThat(events).hasSize(2);
    ModelEvaluated overridden = events.get(1);
    assertThat(overridden.verdict()).isEqualTo(Verdict.PASS);
    assertThat(overridden.override().operator()).isEqualTo("alice");
    assertThat(overridden.reasons()).isEqualTo(e.reasons());
    assertThat(tracking.getRun(e.evaluationRunId()).tags())
        .containsEntry("tuneloop.verdict", "pass")
        .containsEntry("tuneloop.override.operator", "alice")
        .containsEntry("tuneloop.override.reason", "first spam model, reviewed by hand");
    assertThat(report(model, job).get("override").get("operator").asText()).isEqualTo("alice");
  }

  @Test
  void aCandidateThatCannotBeEvaluatedFailsAndSaysWhy() throws Exception {
    Candidates c = candidates();
    String model = "it-ev-broken-" + RUN;
    String job = "job-broken-" + RUN;
    ModelTrained valid = trained(model, job, c.good);
    ModelTrained missingVersion =
        new ModelTrained(
            valid.modelName(),
            valid.jobId(),
            valid.candidateUri(),
            valid.mlflowRunId(),
            valid.validationMetrics(),
            valid.labels(),
            new ModelTrained.Lineage(
                c.dataset,
                9,
                "0".repeat(64),
                c.baseName,
                "0".repeat(64),
                TrainingStrategy.LORA,
                null),
            valid.trainedAt());
    publish(missingVersion);
    ModelEvaluated e = verdict(model, job);
    assertThat(e.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(e.reasons()).extracting(Reason::gate).containsExactly("evaluation_error");
    assertThat(e.reasons().get(0).message()).contains(c.dataset).contains("no version 9");
    assertThat(tracking.getRun(e.evaluationRunId()).status()).isEqualTo(RunStatus.FAILED);
    assertThat(report(model, job).get("error").asText()).contains("no version 9");
  }

  @Test
  void badRequestsGetClearErrorsAndUndecodableEventsGoToTheDeadLetterTopic() throws Exception {
    Response invalid = given().get("/api/v1/evaluations/{m}/{v}", "bad name!", "1");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.jsonPath().getString("error")).isEqualTo("invalid_model_name");
    Response missing = given().get("/api/v1/evaluations/{m}/{v}", "it-ev-none-" + RUN, "job-x");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.jsonPath().getString("detail")).contains("job-x");

    String key = "it-ev-garbage-" + RUN;
    publish(
        new ProducerRecord<>(
            ModelTrained.TOPIC, key, "not an event".getBytes(StandardCharsets.UTF_8)));
    List<ConsumerRecord<String, byte[]>> dead =
        records(ModelTrained.TOPIC + ".dlq", key, r -> true, 1, Duration.ofSeconds(60));
    assertThat(dead).hasSize(1);
    Header reason = dead.get(0).headers().lastHeader("dead-letter-reason");
    assertThat(reason).isNotNull();
    assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains("ce_");
  }
}
