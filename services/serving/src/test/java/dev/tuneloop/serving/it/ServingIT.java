package dev.tuneloop.serving.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.DeployedModel;
import dev.tuneloop.events.DeploymentState.Mode;
import dev.tuneloop.events.DeploymentState.Phase;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.Feedback;
import dev.tuneloop.events.Prediction;
import dev.tuneloop.events.Topics;
import dev.tuneloop.ml.train.Strategy;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.testing.RealStack;
import dev.tuneloop.testing.RealStackResource;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway against the real Kafka and MinIO of the stack: tiny models trained here are uploaded
 * as candidates, deployed by publishing {@code tuneloop.deployment.state}, and served. Every model
 * name is unique per run; foreign events on the shared topics are ignored.
 */
@QuarkusTest
@QuarkusTestResource(RealStackResource.class)
@QuarkusTestResource(RunScopedModels.class)
class ServingIT {

  private static final String RUN = RunScopedModels.run();
  private static TinyCandidates candidates;
  private static String headUri;
  private static String loraUri;
  private static KafkaProducer<String, byte[]> producer;

  @Inject ObjectStore store;

  private static String model(String name) {
    return "it-serving-" + name + "-" + RUN;
  }

  private static String bootstrap() {
    return RealStack.get().kafkaBootstrapServers();
  }

  /** Trains and uploads the two candidates once per run. */
  private synchronized void candidates() throws Exception {
    if (candidates != null) {
      return;
    }
    Path work = Files.createTempDirectory(Path.of("target"), "it-serving-");
    candidates = new TinyCandidates(store, work, RUN);
    headUri = candidates.candidate(model("shared"), "head-1", Strategy.HEAD, 1);
    loraUri = candidates.candidate(model("shared"), "lora-2", Strategy.LORA, 2);
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void closeProducer() {
    if (producer != null) {
      producer.close();
    }
  }

  private static void deploy(
      String model,
      long revision,
      @Nullable DeployedModel champion,
      @Nullable DeployedModel challenger,
      Mode mode,
      double weight)
      throws Exception {
    boolean rollout = challenger != null;
    DeploymentState state =
        new DeploymentState(
            model,
            revision,
            champion,
            challenger,
            null,
            rollout ? Phase.CANARY : Phase.IDLE,
            mode,
            weight,
            rollout ? List.of(weight) : List.of(),
            rollout ? 0 : null,
            rollout ? Instant.now() : null,
            List.of(),
            Instant.now());
    producer
        .send(EventEnvelope.startLoop(state, "tuneloop/serving-it").toProducerRecord())
        .get(30, TimeUnit.SECONDS);
  }

  /** Waits until the gateway applied the revision (GET /api/v1/models/{model}). */
  private static void awaitRevision(String model, long revision) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Response r = given().get("/api/v1/models/{m}", model);
      last = r.asString();
      Object applied = r.statusCode() == 200 ? r.jsonPath().get("revision") : null;
      if (applied != null && ((Number) applied).longValue() == revision) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("revision " + revision + " of " + model + " not applied: " + last);
  }

  private static DeployedModel head() {
    return new DeployedModel("1", headUri, null);
  }

  private static DeployedModel lora() {
    return new DeployedModel("2", loraUri, null);
  }

  private static Response predict(String model, List<Map<String, String>> instances) {
    return given()
        .contentType("application/json")
        .body(Map.of("instances", instances))
        .post("/api/v1/models/{m}/predict", model);
  }

  @Test
  void predictionsFollowTheWeightsStickToKeysAndAllReachThePredictionsTopic() throws Exception {
    candidates();
    String model = model("ab");
    try (TopicTail<Prediction> predictions =
        new TopicTail<>(
            bootstrap(),
            Topics.PREDICTIONS,
            Prediction.class,
            e -> e.data().modelName().equals(model))) {
      // before any state: unknown model
      assertThat(predict(model, List.of(Map.of("text", "hi"))).statusCode()).isEqualTo(404);
      deploy(model, 1, head(), lora(), Mode.AB, 0.3);
      awaitRevision(model, 1);

      Map<String, String> armOfKey = new HashMap<>();
      Set<String> requestIds = new HashSet<>();
      int keys = 400;
      for (int batch = 0; batch < keys / 50; batch++) {
        List<Map<String, String>> instances = new ArrayList<>();
        for (int i = batch * 50; i < (batch + 1) * 50; i++) {
          instances.add(Map.of("text", "win cash now " + i, "key", "user-" + i));
        }
        Response r = predict(model, instances);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<Map<String, Object>> answers = r.jsonPath().getList("predictions");
        assertThat(answers).hasSize(50);
        for (int i = 0; i < 50; i++) {
          Map<String, Object> a = answers.get(i);
          armOfKey.put("user-" + (batch * 50 + i), (String) a.get("arm"));
          assertThat(a.get("modelVersion")).isEqualTo(a.get("arm").equals("champion") ? "1" : "2");
          assertThat((Map<String, Object>) a.get("probabilities")).containsKeys("ham", "spam");
          assertThat(a.get("label")).isIn("ham", "spam");
          requestIds.add((String) a.get("requestId"));
        }
      }
      long challenger = armOfKey.values().stream().filter("challenger"::equals).count();
      // binomial sd for n=400, p=0.3 is 0.023; 4 sd either side
      assertThat(challenger / (double) keys).isBetween(0.21, 0.39);

      // the same keys again, through the v2 protocol one key per request: same arms
      for (int i = 0; i < 40; i++) {
        Response r =
            given()
                .contentType("application/json")
                .body(
                    Map.of(
                        "id",
                        "req-" + i,
                        "parameters",
                        Map.of("key", "user-" + i),
                        "inputs",
                        List.of(
                            Map.of(
                                "name",
                                "text",
                                "datatype",
                                "BYTES",
                                "shape",
                                List.of(1),
                                "data",
                                List.of("win cash now " + i)))))
                .post("/v2/models/{m}/infer", model);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getString("id")).isEqualTo("req-" + i);
        assertThat(r.jsonPath().getString("outputs.find { it.name == 'arm' }.data[0]"))
            .isEqualTo(armOfKey.get("user-" + i));
        assertThat(r.jsonPath().getList("outputs.find { it.name == 'probabilities' }.shape"))
            .containsExactly(1, 2);
        requestIds.add(r.jsonPath().getString("outputs.find { it.name == 'request_id' }.data[0]"));
      }

      // every answered prediction is on the topic, with the input profile
      List<EventEnvelope<Prediction>> seen =
          predictions.awaitUntil(
              list ->
                  list.stream()
                      .map(e -> e.data().requestId())
                      .collect(java.util.stream.Collectors.toSet())
                      .containsAll(requestIds),
              Duration.ofSeconds(60));
      Map<String, Prediction> byId = new HashMap<>();
      seen.forEach(e -> byId.put(e.data().requestId(), e.data()));
      assertThat(byId.keySet()).containsAll(requestIds);
      Prediction any = byId.get(requestIds.iterator().next());
      assertThat(any.input().embeddingProjections()).hasSize(TinyCandidates.PROJECTIONS);
      assertThat(any.input().tokenCount()).isPositive();
      assertThat(any.routingKey()).startsWith("user-");
      assertThat(any.shadow()).isFalse();
    }
  }

  @Test
  void shadowModeAnswersWithTheChampionAndRecordsTheChallengersCopy() throws Exception {
    candidates();
    String model = model("shadow");
    try (TopicTail<Prediction> predictions =
        new TopicTail<>(
            bootstrap(),
            Topics.PREDICTIONS,
            Prediction.class,
            e -> e.data().modelName().equals(model))) {
      deploy(model, 1, head(), lora(), Mode.SHADOW, 1.0);
      awaitRevision(model, 1);
      List<Map<String, String>> instances = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        instances.add(Map.of("text", "meeting notes " + i, "key", "k" + i));
      }
      Response r = predict(model, instances);
      assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
      assertThat(r.jsonPath().getList("predictions.arm")).containsOnly("champion");
      List<EventEnvelope<Prediction>> seen =
          predictions.awaitUntil(list -> list.size() >= 40, Duration.ofSeconds(60));
      assertThat(seen.stream().filter(e -> e.data().shadow()).map(e -> e.data().arm()))
          .hasSize(20)
          .containsOnly(dev.tuneloop.events.Arm.CHALLENGER);

      // a text longer than the model's 32 tokens: the profile counts its tokens before truncation
      String longText = String.join(" ", java.util.Collections.nCopies(60, "meeting"));
      String id =
          predict(model, List.of(Map.of("text", longText)))
              .jsonPath()
              .getString("predictions[0].requestId");
      List<EventEnvelope<Prediction>> withLong =
          predictions.awaitUntil(
              list -> list.stream().anyMatch(e -> e.data().requestId().equals(id)),
              Duration.ofSeconds(60));
      Prediction longOne =
          withLong.stream()
              .filter(e -> e.data().requestId().equals(id))
              .findFirst()
              .orElseThrow()
              .data();
      assertThat(longOne.input().tokenCount()).isEqualTo(62); // 60 words + [CLS] + [SEP]
      assertThat(longOne.input().textLength()).isEqualTo(longText.length());
    }
  }

  @Test
  void aSwapUnderLoadLosesNoRequest() throws Exception {
    candidates();
    String model = model("swap");
    deploy(model, 1, head(), null, Mode.AB, 0);
    awaitRevision(model, 1);
    AtomicBoolean running = new AtomicBoolean(true);
    Map<String, Integer> answeredByVersion = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<List<String>>> failures = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int client = c;
      failures.add(
          clients.submit(
              () -> {
                List<String> failed = new ArrayList<>();
                int i = 0;
                while (running.get()) {
                  Response r =
                      predict(model, List.of(Map.of("text", "cheap offer " + client + " " + i++)));
                  if (r.statusCode() != 200) {
                    failed.add(r.statusCode() + " " + r.asString());
                  } else {
                    answeredByVersion.merge(
                        r.jsonPath().getString("predictions[0].modelVersion"), 1, Integer::sum);
                  }
                }
                return failed;
              }));
    }
    Thread.sleep(1000);
    // the challenger is promoted: version 2 (another artifact) is loaded while version 1 serves
    deploy(model, 2, lora(), null, Mode.AB, 0);
    awaitRevision(model, 2);
    Thread.sleep(1000);
    running.set(false);
    List<String> failed = new ArrayList<>();
    for (Future<List<String>> f : failures) {
      failed.addAll(f.get(60, TimeUnit.SECONDS));
    }
    clients.shutdown();
    assertThat(failed).isEmpty();
    assertThat(answeredByVersion.get("1")).isPositive();
    assertThat(answeredByVersion.get("2")).isPositive();
  }

  @Test
  void feedbackReachesTheFeedbackTopic() throws Exception {
    candidates();
    String model = model("feedback");
    deploy(model, 1, head(), null, Mode.AB, 0);
    awaitRevision(model, 1);
    String requestId =
        predict(model, List.of(Map.of("text", "free prize")))
            .jsonPath()
            .getString("predictions[0].requestId");
    try (TopicTail<Feedback> feedback =
        new TopicTail<>(
            bootstrap(),
            Topics.FEEDBACK,
            Feedback.class,
            e -> e.data().modelName().equals(model))) {
      Response r =
          given()
              .contentType("application/json")
              .body(
                  Map.of(
                      "requestId", requestId, "model", model, "label", "spam", "annotator", "qa"))
              .post("/api/v1/feedback");
      assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
      Response unknownLabel =
          given()
              .contentType("application/json")
              .body(Map.of("requestId", requestId, "model", model, "label", "eggs"))
              .post("/api/v1/feedback");
      assertThat(unknownLabel.statusCode()).isEqualTo(422);
      assertThat(unknownLabel.jsonPath().getString("detail")).contains("eggs");

      List<EventEnvelope<Feedback>> seen =
          feedback.awaitUntil(list -> !list.isEmpty(), Duration.ofSeconds(30));
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0).data().requestId()).isEqualTo(requestId);
      assertThat(seen.get(0).data().trueLabel()).isEqualTo("spam");
      assertThat(seen.get(0).data().annotator()).isEqualTo("qa");
    }
  }

  @Test
  void badRequestsGetClearErrors() throws Exception {
    candidates();
    String model = model("errors");
    deploy(model, 1, head(), null, Mode.AB, 0);
    awaitRevision(model, 1);

    Response malformed =
        given()
            .contentType("application/json")
            .body("{\"instances\": [")
            .post("/api/v1/models/{m}/predict", model);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.jsonPath().getString("error")).isEqualTo("bad_request");
    assertThat(malformed.jsonPath().getString("detail")).contains("not valid JSON");

    Response empty = predict(model, List.of(Map.of("text", "")));
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.jsonPath().getString("detail")).contains("instances[0]: text is empty");

    Response oversized = predict(model, List.of(Map.of("text", "x".repeat(20_001))));
    assertThat(oversized.statusCode()).isEqualTo(413);

    Response wrongType =
        given()
            .contentType("application/json")
            .body(
                Map.of(
                    "inputs",
                    List.of(Map.of("name", "text", "datatype", "FP32", "data", List.of(1.0)))))
            .post("/v2/models/{m}/infer", model);
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.jsonPath().getString("error")).contains("BYTES");

    Response unknown = predict(model("nobody"), List.of(Map.of("text", "hello")));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.jsonPath().getString("error")).isEqualTo("unknown_model");

    // a model whose artifact is missing: 503 with Retry-After and the reason
    String broken = model("broken");
    deploy(
        broken,
        1,
        new DeployedModel("7", "s3://tuneloop-models/" + broken + "/candidates/missing/", null),
        null,
        Mode.AB,
        0);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Response notReady;
    do {
      Thread.sleep(200);
      notReady = predict(broken, List.of(Map.of("text", "hello")));
    } while ((notReady.statusCode() != 503 || !notReady.asString().contains("could not be loaded"))
        && System.nanoTime() < deadline);
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.header("Retry-After")).isNotBlank();
    assertThat(notReady.jsonPath().getString("detail")).contains("no objects under");
  }

  @Test
  void anUndecodableDeploymentStateGoesToTheDeadLetterTopicWithItsCause() throws Exception {
    candidates();
    String key = model("garbage");
    try (RawTail consumer = new RawTail(bootstrap(), Topics.dlq(Topics.DEPLOYMENT_STATE))) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.DEPLOYMENT_STATE, key, "not an event".getBytes(StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
      String cause = consumer.awaitCause(key, Duration.ofSeconds(60));
      assertThat(cause).contains("ce_id");
    }
  }
}
