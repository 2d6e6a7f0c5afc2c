package dev.tuneloop.monitor.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DatasetCurated;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.Feedback;
import dev.tuneloop.events.ModelHealth;
import dev.tuneloop.events.Prediction;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TuneloopEvent;
import dev.tuneloop.monitor.domain.SyntheticTraffic;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.testing.RealStack;
import dev.tuneloop.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitor against the real Kafka and MinIO of the stack. Each test has its own model ({@code
 * itmon-<name>-<run>}); the service watches only {@code itmon-*} models in tests, and the
 * assertions look only at events of the test's model.
 */
@QuarkusTest
@QuarkusTestResource(MonitorIT.ThisRunOnly.class)
class MonitorIT {
  private static KafkaProducer<String, byte[]> producer;

  @Inject ObjectStore store;

  @BeforeAll
  static void connect() {
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                RealStack.get().kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void close() {
    producer.close();
  }

  /**
   * The real stack, and a monitor that watches only this run's models: the test consumer groups
   * read the topics from the start, and earlier runs' models must not be judged again.
   */
  public static class ThisRunOnly extends RealStackResource {
    @Override
    public Map<String, String> start() {
      String run = UUID.randomUUID().toString().substring(0, 8);
      System.setProperty("monitor-it.run", run);
      Map<String, String> config = new java.util.HashMap<>(super.start());
      config.put("tuneloop.monitor.models-pattern", "itmon-.*-" + run);
      return config;
    }
  }

  private static String model(String name) {
    return "itmon-" + name + "-" + System.getProperty("monitor-it.run");
  }

  private static void send(TuneloopEvent event) {
    producer.send(EventEnvelope.startLoop(event, "monitor-it").toProducerRecord());
  }

  /** Deploys version 1 of {@code model} with a reference profile written like the trainer does. */
  private void deploy(String model) throws Exception {
    String prefix = model + "/candidates/job-1/";
    store.put(
        Buckets.MODELS,
        prefix + "reference_profile.json",
        new SyntheticTraffic(1).profile(4000).toJson());
    DeploymentState state =
        new DeploymentState(
            model,
            1,
            new DeploymentState.DeployedModel("1", "s3://" + Buckets.MODELS + "/" + prefix, null),
            null,
            null,
            DeploymentState.Phase.IDLE,
            DeploymentState.Mode.AB,
            0,
            List.of(),
            null,
            null,
            List.of(),
            Instant.now());
    send(state);
    producer.flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Response r = given().get("/api/v1/monitoring/{m}", model);
      if (r.statusCode() == 200 && r.jsonPath().getList("profiles").contains("1")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the monitor did not load the profile of " + model);
  }

  private static DatasetCurated curated(String dataset, int version, long train) {
    DatasetCurated.SplitCounts trainCounts = new DatasetCurated.SplitCounts(train, train, Map.of());
    DatasetCurated.SplitCounts none = new DatasetCurated.SplitCounts(0, 0, Map.of());
    return new DatasetCurated(
        dataset,
        version,
        "s3://tuneloop-datasets/" + dataset + "/v" + version + "/manifest.json",
        "0".repeat(64),
        List.of("ham", "spam"),
        List.of("batch-" + version),
        trainCounts,
        none,
        none,
        train,
        Map.of(),
        null,
        Instant.now());
  }

  /** Sends {@code n} predictions; returns them. */
  private static List<Prediction> traffic(String model, int n, boolean shifted, long seed) {
    SyntheticTraffic source = new SyntheticTraffic(seed);
    List<Prediction> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Prediction p =
          source.prediction(
              model, "1", Arm.CHAMPION, model + "-" + seed + "-" + i, Instant.now(), shifted);
      send(p);
      sent.add(p);
    }
    producer.flush();
    return sent;
  }

  /** Reads a topic from the start for {@code wait}, keeping the events of {@code key}. */
  private static <T extends TuneloopEvent> List<T> events(
      String topic, Class<T> type, Predicate<T> mine, Duration wait, int enough) {
    return events(topic, type, mine, wait, list -> list.size() >= enough);
  }

  /**
   * Reads a topic from the start until {@code done} or {@code wait}, keeping the events of mine.
   */
  private static <T extends TuneloopEvent> List<T> events(
      String topic, Class<T> type, Predicate<T> mine, Duration wait, Predicate<List<T>> done) {
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                RealStack.get().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "monitor-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline && !done.test(out)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          try {
            T event = EventEnvelope.fromConsumerRecord(r, type).data();
            if (mine.test(event)) {
              out.add(event);
            }
          } catch (RuntimeException foreign) {
            // another producer's record on a shared topic
          }
        }
      }
    }
    return out;
  }

  @Test
  void shiftedTrafficRaisesDriftAndOneTrainingRequest() throws Exception {
    String model = model("shift");
    deploy(model);
    // the policy needs to know the model's dataset version; 10 records are no reason to train
    send(curated(model, 1, 10));
    traffic(model, 500, false, 1);
    traffic(model, 1000, true, 2);

    List<DriftDetected> drift =
        events(
            DriftDetected.TOPIC,
            DriftDetected.class,
            d -> d.modelName().equals(model),
            Duration.ofSeconds(90),
            2);
    assertThat(drift).hasSize(2);
    assertThat(drift)
        .allSatisfy(
            d -> {
              assertThat(d.modelVersion()).isEqualTo("1");
              assertThat(d.sampleCount()).isEqualTo(500);
              assertThat(d.severity()).isEqualTo(DriftDetected.Severity.HIGH);
              assertThat(d.tests())
                  .anyMatch(
                      t ->
                          t.test().equals("ks") && t.feature().equals("confidence") && t.drifted());
              assertThat(d.tests()).anyMatch(t -> t.test().equals("mmd") && t.drifted());
            });

    List<TrainingRequested> requests =
        events(
            TrainingRequested.TOPIC,
            TrainingRequested.class,
            r -> r.modelName().equals(model),
            Duration.ofSeconds(10),
            2);
    // two drifted windows, but the second is within the cool-down of the first request
    assertThat(requests)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(TrainingRequested.Reason.DRIFT);
              assertThat(r.dataset()).isEqualTo(model);
              assertThat(r.datasetVersion()).isEqualTo(1);
              assertThat(r.warmStartFrom()).isEqualTo("1");
            });

    Response view = given().get("/api/v1/monitoring/{m}", model);
    assertThat(view.statusCode()).isEqualTo(200);
    assertThat(view.jsonPath().getInt("versions[0].windowsClosed")).isEqualTo(3);
    assertThat(view.jsonPath().getInt("versions[0].driftAlarms")).isEqualTo(2);
    assertThat(view.jsonPath().getString("retraining.openJobId"))
        .isEqualTo(requests.get(0).jobId());
    assertThat(view.jsonPath().getString("recentDrift[0].severity")).isEqualTo("high");
  }

  @Test
  void unshiftedTrafficOfTheSameSizeRaisesNothingAndFeedbackGivesAccuracy() throws Exception {
    String model = model("steady");
    deploy(model);
    send(curated(model, 1, 10));
    List<Prediction> sent = traffic(model, 1500, false, 3);
    // feedback for the first 100: 80 right, 20 wrong
    for (int i = 0; i < 100; i++) {
      Prediction p = sent.get(i);
      String truth = i < 80 ? p.label() : (p.label().equals("spam") ? "ham" : "spam");
      send(new Feedback(p.requestId(), model, truth, "it", Instant.now()));
    }
    producer.flush();

    List<ModelHealth> health =
        events(
            ModelHealth.TOPIC,
            ModelHealth.class,
            h -> h.modelName().equals(model) && h.labelledCount() == 100,
            Duration.ofSeconds(90),
            1);
    assertThat(health).isNotEmpty();
    ModelHealth first = health.get(0);
    assertThat(first.sampleCount()).isEqualTo(500);
    assertThat(first.onlineAccuracy()).isEqualTo(0.8);
    assertThat(first.macroF1()).isNotNull();
    assertThat(first.estimatedAccuracy()).isBetween(0.8, 0.9);
    assertThat(first.driftScores())
        .containsKeys("ks.confidence", "psi.predicted_label", "mmd.embedding");

    List<ModelHealth> windows =
        events(
            ModelHealth.TOPIC,
            ModelHealth.class,
            h -> h.modelName().equals(model),
            Duration.ofSeconds(60),
            (List<ModelHealth> list) ->
                list.stream().map(ModelHealth::window).distinct().count() >= 3);
    assertThat(windows.stream().map(ModelHealth::window).distinct()).hasSize(3);
    assertThat(
            events(
                DriftDetected.TOPIC,
                DriftDetected.class,
                d -> d.modelName().equals(model),
                Duration.ofSeconds(5),
                1))
        .isEmpty();
    assertThat(
            events(
                TrainingRequested.TOPIC,
                TrainingRequested.class,
                r -> r.modelName().equals(model),
                Duration.ofSeconds(3),
                1))
        .isEmpty();

    String metrics = given().get("/q/metrics").asString();
    assertThat(metrics)
        .contains(
            "tuneloop_monitor_online_accuracy{arm=\"champion\",model=\""
                + model
                + "\",version=\"1\"}");
  }

  @Test
  void newCuratedDataAboveTheThresholdRaisesOneRequestAndASecondWithinTheCoolDownNone()
      throws Exception {
    String model = model("data");
    send(curated(model, 1, 1500));
    producer.flush();
    List<TrainingRequested> first =
        events(
            TrainingRequested.TOPIC,
            TrainingRequested.class,
            r -> r.modelName().equals(model),
            Duration.ofSeconds(60),
            1);
    assertThat(first)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(TrainingRequested.Reason.NEW_DATA);
              assertThat(r.datasetVersion()).isEqualTo(1);
              assertThat(r.baseModel()).isEqualTo("all-MiniLM-L6-v2");
              assertThat(r.warmStartFrom()).isNull();
            });

    send(curated(model, 2, 3000));
    producer.flush();
    // v2 is seen (the state says why nothing was requested) ...
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String decision = "";
    while (System.nanoTime() < deadline && !decision.contains("v2")) {
      decision =
          given()
              .get("/api/v1/monitoring/{m}", model)
              .jsonPath()
              .getString("retraining.lastDecision");
      Thread.sleep(200);
    }
    assertThat(decision).contains("v2").contains("still open");
    // ... and no second request was published
    assertThat(
            events(
                TrainingRequested.TOPIC,
                TrainingRequested.class,
                r -> r.modelName().equals(model),
                Duration.ofSeconds(3),
                2))
        .hasSize(1);
    // the policy state survives a restart: it is in the object store
    String state =
        new String(
            store.getBytes(Buckets.MODELS, model + "/monitor/state.json", 1 << 20),
            StandardCharsets.UTF_8);
    assertThat(state)
        .contains("\"openJobId\":\"" + first.get(0).jobId() + "\"")
        .contains("\"datasetVersion\":2");
  }

  @Test
  void undecodablePredictionGoesToTheDeadLetterTopicWithItsCause() {
    String model = model("bad");
    producer.send(
        new ProducerRecord<>(
            Prediction.TOPIC, model, "{not json".getBytes(StandardCharsets.UTF_8)));
    producer.flush();
    List<String> reasons = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                RealStack.get().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "monitor-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Prediction.TOPIC + ".dlq"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && reasons.isEmpty()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (model.equals(r.key())) {
            Header reason = r.headers().lastHeader("dead-letter-reason");
            reasons.add(reason == null ? "" : new String(reason.value(), StandardCharsets.UTF_8));
          }
        }
      }
    }
    assertThat(reasons).singleElement().asString().contains("ce_id");
  }

  @Test
  void restApiValidatesTheModelName() {
    given().get("/api/v1/monitoring/{m}", "-bad name").then().statusCode(400);
    Response unknown = given().get("/api/v1/monitoring/{m}", model("never-seen"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.jsonPath().getString("error")).isEqualTo("model_not_found");
  }
}
