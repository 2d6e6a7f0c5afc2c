package dev.tuneloop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.events.DatasetCurated;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.events.ModelTrained;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStatus;
import dev.tuneloop.events.TuneloopEvent;
import dev.tuneloop.loop.EventLog;
import dev.tuneloop.loop.LabelledRecord;
import dev.tuneloop.loop.ServiceClient;
import dev.tuneloop.loop.Traffic;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.ml.store.ObjectUri;
import dev.tuneloop.ml.tiny.TinyModels;
import dev.tuneloop.ml.train.FineTuneSpec;
import dev.tuneloop.ml.train.FineTuner;
import dev.tuneloop.ml.train.Strategy;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.StorageSettings;
import dev.tuneloop.testing.RealStackExtension;
import dev.tuneloop.testing.StackEndpoints;
import dev.tuneloop.tracking.MlflowConnection;
import dev.tuneloop.tracking.ModelVersion;
import dev.tuneloop.tracking.TrackedRun;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on the real stack with all six packaged services as child processes and a tiny
 * model: labelled records in, a model serving traffic out, and the failure paths a production loop
 * meets.
 *
 * <ol>
 *   <li>records uploaded to curation become a dataset version; the monitor's policy requests
 *       training (new data); the trainer is killed with {@code kill -9} mid-job and a restarted
 *       worker resumes it from its checkpoint; exactly one candidate is published, with its
 *       artifact in MinIO and its MLflow run;
 *   <li>the evaluator passes it (no champion yet), the registry registers and rolls it out, serving
 *       answers traffic with it, and it ends as the {@code champion} alias;
 *   <li>a deliberately bad challenger (trained on flipped labels) fails evaluation, an operator
 *       forces it through, and the registry rolls it back automatically on its online accuracy;
 *   <li>every event of the loop is delivered again: no new version, no new promotion, no new job.
 * </ol>
 */
@ExtendWith(RealStackExtension.class)
class LoopIT {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String MODEL = "loop-" + RUN;
  private static final String BASE = "tiny-loop-" + RUN;
  private static final String OPERATOR_TOKEN = "loop-it-operator-" + RUN;
  private static final List<String> LABELS = List.of("ham", "spam");
  private static final List<String> SERVICES =
      List.of("curation", "trainer", "evaluator", "registry", "serving", "monitor");
  private static final Duration STEP = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;

  @Test
  void labelledDataBecomesAServedChampionAndABadChallengerIsRolledBack(StackEndpoints stack)
      throws Exception {
    Instant since = Instant.now();
    Map<String, ServiceProcess> services = new LinkedHashMap<>();
    try (ObjectStore store =
            ObjectStore.connect(
                StorageSettings.builder(
                        stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey())
                    .spoolDirectory(work)
                    .build());
        MlflowConnection mlflow = MlflowConnection.open(stack.mlflowUri());
        EventLog events = new EventLog(stack.kafkaBootstrapServers(), since)) {
      ModelStore models = new ModelStore(store, work.resolve("model-cache"));
      Path base = pretrainedTinyBase();
      models.upload(base, ModelStore.baseModelUri(BASE), true);

      Map<String, String> environment = environment(stack);
      for (String service : SERVICES) {
        services.put(service, ServiceProcess.start(service, "loop-" + service, environment));
      }
      Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
      for (ServiceProcess service : services.values()) {
        service.awaitHealth("/q/health/ready", h -> h.httpStatus() == 200, deadline);
      }
      Map<String, URI> urls = new LinkedHashMap<>();
      services.forEach((name, process) -> urls.put(name, process.url()));
      ServiceClient client = new ServiceClient(urls);

      // 1. records -> dataset version -> training requested by the monitor -> kill -9 -> resumed
      client.uploadRecords(MODEL, syntheticRecords());
      DatasetCurated curated =
          events.await(DatasetCurated.class, c -> c.dataset().equals(MODEL), 0, STEP, "curation");
      assertThat(curated.train().records()).isGreaterThan(500);
      TrainingRequested request =
          events.await(
              TrainingRequested.class,
              r -> r.modelName().equals(MODEL),
              0,
              STEP,
              "the monitor's training request");
      assertThat(request.reason()).isEqualTo(TrainingRequested.Reason.NEW_DATA);
      assertThat(request.datasetVersion()).isEqualTo(curated.version());
      String job = request.jobId();
      events.await(
          TrainingStatus.class,
          s -> s.jobId().equals(job) && s.state() == TrainingStatus.State.RUNNING && s.step() >= 40,
          0,
          STEP,
          "job " + job + " past its first uploaded checkpoint");
      services.get("trainer").kill9();
      services.put(
          "trainer", ServiceProcess.start("trainer", "loop-trainer-restarted", environment));
      TrainingStatus end =
          events.await(
              TrainingStatus.class,
              s -> s.jobId().equals(job) && s.state().terminal(),
              0,
              STEP,
              "the end of job " + job);
      assertThat(end.state())
          .as("job %s: %s", job, end.failure())
          .isEqualTo(TrainingStatus.State.SUCCEEDED);
      List<TrainingStatus> statuses =
          events.all(TrainingStatus.class).stream().filter(s -> s.jobId().equals(job)).toList();
      assertThat(statuses.get(0).state())
          .isIn(TrainingStatus.State.VALIDATING, TrainingStatus.State.QUEUED);
      assertThat(statuses)
          .as("after the restart the job resumed from a checkpoint, not from step 0")
          .anySatisfy(
              s -> assertThat(s.metrics().getOrDefault("resumed_from_step", 0.0)).isPositive());
      ModelTrained trained =
          events.await(ModelTrained.class, t -> t.jobId().equals(job), 0, STEP, "model.trained");
      ObjectUri candidate = ObjectUri.parse(trained.candidateUri());
      for (String file :
          List.of(
              "model_card.json",
              "reference_profile.json",
              "labels.json",
              "head.safetensors",
              "adapter_model.safetensors",
              "adapter_config.json")) {
        assertThat(store.exists(candidate.bucket(), candidate.key(file)))
            .as("%s in %s", file, candidate)
            .isTrue();
      }
      TrackedRun run = mlflow.tracking().getRun(trained.mlflowRunId());
      assertThat(run.latestMetrics()).isNotEmpty();

      // 2. evaluated (no champion: thresholds) -> registered -> rolled out under traffic ->
      // champion
      ModelEvaluated verdict =
          events.await(ModelEvaluated.class, e -> e.jobId().equals(job), 0, STEP, "the verdict");
      assertThat(verdict.verdict()).isEqualTo(ModelEvaluated.Verdict.PASS);
      List<LabelledRecord> trafficTexts = trafficRecords();
      try (Traffic traffic = new Traffic(client, MODEL, 8, 0.8, 50).start(trafficTexts)) {
        DeploymentState promoted =
            events.await(
                DeploymentState.class,
                s ->
                    s.modelName().equals(MODEL)
                        && s.champion() != null
                        && !s.phase().rolloutActive(),
                0,
                STEP,
                "the first champion of " + MODEL);
        String championVersion = promoted.champion().version();
        assertThat(mlflow.registry().getVersionByAlias(MODEL, "champion"))
            .map(ModelVersion::version)
            .contains(championVersion);

        // 3. a bad challenger, forced through by an operator, is rolled back automatically
        int mark = events.mark();
        String badJob = "bad-" + RUN;
        ModelTrained bad = publishBadCandidate(stack, store, models, trained, badJob, run);
        ModelEvaluated failed =
            events.await(
                ModelEvaluated.class, e -> e.jobId().equals(badJob), mark, STEP, "the bad verdict");
        assertThat(failed.verdict()).isEqualTo(ModelEvaluated.Verdict.FAIL);
        client.post(
            "evaluator",
            "/api/v1/evaluations/" + MODEL + "/" + badJob + "/override",
            Map.of("operator", "loop-it", "reason", "testing automatic rollback"),
            OPERATOR_TOKEN);
        DeploymentState rolledBack =
            events.await(
                DeploymentState.class,
                s -> s.modelName().equals(MODEL) && s.phase() == DeploymentState.Phase.ROLLED_BACK,
                mark,
                STEP,
                "the automatic rollback of the bad challenger");
        assertThat(rolledBack.champion().version()).isEqualTo(championVersion);
        DeploymentState.AuditEntry rollback =
            rolledBack.history().get(rolledBack.history().size() - 1);
        assertThat(rollback.actor()).isEqualTo("registry");
        assertThat(rollback.reason()).isNotBlank();
        assertThat(mlflow.registry().getVersionByAlias(MODEL, "champion"))
            .map(ModelVersion::version)
            .contains(championVersion);
        assertThat(traffic.tallies()).isNotEmpty();
        System.out.printf(
            "LoopIT traffic: %s, failures %s%n", traffic.tallies(), traffic.failures());
      }

      // 4. everything again: duplicates change nothing
      int versionsBefore = mlflow.registry().searchModelVersions("name='" + MODEL + "'").size();
      long promotionsBefore = promotions(events);
      int trainedBefore = events.all(ModelTrained.class).size();
      int mark = events.mark();
      redeliver(stack, events);
      Thread.sleep(20_000);
      assertThat(mlflow.registry().searchModelVersions("name='" + MODEL + "'"))
          .hasSize(versionsBefore);
      assertThat(promotions(events)).isEqualTo(promotionsBefore);
      assertThat(events.all(ModelTrained.class)).hasSize(trainedBefore * 2);
      assertThat(events.deadLetters())
          .filteredOn(d -> d.key() != null && d.key().contains(RUN))
          .isEmpty();
      System.out.printf("LoopIT: %d events, %d after the redelivery%n", mark, events.mark() - mark);
    } catch (Throwable failure) {
      services.values().forEach(ServiceProcess::printLogTail);
      throw failure;
    } finally {
      services.values().forEach(ServiceProcess::close);
    }
  }

  /** PROMOTE actions in the latest deployment state of the model. */
  private static long promotions(EventLog events) {
    List<DeploymentState> states =
        events.all(DeploymentState.class).stream()
            .filter(s -> s.modelName().equals(MODEL))
            .toList();
    if (states.isEmpty()) {
      return 0;
    }
    return states.get(states.size() - 1).history().stream()
        .filter(entry -> entry.action() == DeploymentState.Action.PROMOTE)
        .count();
  }

  /** Publishes again, with the same CloudEvents ids, every loop event seen for this model. */
  private static void redeliver(StackEndpoints stack, EventLog events) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      for (EventLog.Seen seen : events.seen()) {
        TuneloopEvent event = seen.event();
        boolean ours =
            (event instanceof TrainingRequested r && r.modelName().equals(MODEL))
                || (event instanceof ModelTrained t && t.modelName().equals(MODEL))
                || (event instanceof ModelEvaluated e && e.modelName().equals(MODEL))
                || (event instanceof DatasetCurated c && c.dataset().equals(MODEL));
        if (ours) {
          EventEnvelope<TuneloopEvent> envelope = seen.envelope();
          producer.send(envelope.toProducerRecord());
        }
      }
      producer.flush();
    }
  }

  /**
   * A bad candidate for the same model: LoRA on flipped labels, uploaded in the candidate layout
   * with the good candidate's reference profile, and announced as the trainer would.
   */
  private static ModelTrained publishBadCandidate(
      StackEndpoints stack,
      ObjectStore store,
      ModelStore models,
      ModelTrained good,
      String jobId,
      TrackedRun goodRun)
      throws Exception {
    Path base = work.resolve("pretrained");
    Path data = TinyModels.dataset(work.resolve("flipped"), 200, 40, 0, 5);
    for (String split : List.of("train.jsonl", "validation.jsonl")) {
      Path file = data.resolve(split);
      Files.writeString(
          file,
          Files.readString(file)
              .replace("\"spam\"", "\"tmp\"")
              .replace("\"ham\"", "\"spam\"")
              .replace("\"tmp\"", "\"ham\""));
    }
    Path artifact = work.resolve("bad-artifact");
    new FineTuner()
        .run(
            FineTuneSpec.builder(base, data, artifact, LABELS)
                .strategy(Strategy.LORA)
                .learningRate(1e-2)
                .epochs(3)
                .batchSize(8)
                .maxLength(32)
                .baseModelName(BASE)
                .build());
    Path goodArtifact = models.fetch(ObjectUri.parse(good.candidateUri()));
    Files.copy(
        goodArtifact.resolve("reference_profile.json"), artifact.resolve("reference_profile.json"));
    Map<String, Object> card =
        JSON.readValue(goodArtifact.resolve("model_card.json").toFile(), Map.class);
    card.put("job_id", jobId);
    JSON.writeValue(artifact.resolve("model_card.json").toFile(), card);
    ObjectUri uri = new ObjectUri(Buckets.MODELS, MODEL + "/candidates/" + jobId + "/");
    models.upload(artifact, uri, true);
    ModelTrained bad =
        new ModelTrained(
            MODEL,
            jobId,
            uri.toString(),
            goodRun.runId(),
            Map.of("accuracy", 0.1),
            LABELS,
            good.lineage(),
            Instant.now());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      producer.send(EventEnvelope.startLoop(bad, "tuneloop/loop-it").toProducerRecord()).get();
    }
    return bad;
  }

  /** A tiny encoder made "pre-trained" by full fine-tuning on other synthetic data. */
  private static Path pretrainedTinyBase() throws IOException, InterruptedException {
    Path random = TinyModels.baseModel(work.resolve("random-base"), 7).directory();
    Path data = TinyModels.dataset(work.resolve("pretraining"), 200, 0, 0, 99);
    Path pretrained = work.resolve("pretrained");
    new FineTuner()
        .run(
            FineTuneSpec.builder(random, data, pretrained, LABELS)
                .strategy(Strategy.FULL)
                .learningRate(5e-3)
                .epochs(3)
                .batchSize(8)
                .maxLength(32)
                .build());
    // A base model folder: config, tokenizer, weights (the head and labels are not part of it)
    Path base = work.resolve("base-upload");
    Files.createDirectories(base);
    for (String file : List.of("config.json", "tokenizer.json", "model.safetensors")) {
      Files.copy(pretrained.resolve(file), base.resolve(file));
    }
    return base;
  }

  /** Synthetic labelled records for curation, ids unique to this run. */
  private static List<LabelledRecord> syntheticRecords() throws IOException {
    Path data = TinyModels.dataset(work.resolve("records"), 1000, 0, 0, 11);
    return withRunIds(LabelledRecord.readNdjson(data.resolve("train.jsonl")), "r");
  }

  private static List<LabelledRecord> trafficRecords() throws IOException {
    Path data = TinyModels.dataset(work.resolve("traffic"), 400, 0, 0, 23);
    return withRunIds(LabelledRecord.readNdjson(data.resolve("train.jsonl")), "q");
  }

  private static List<LabelledRecord> withRunIds(List<LabelledRecord> records, String prefix) {
    List<LabelledRecord> out = new ArrayList<>();
    for (LabelledRecord record : records) {
      String id = prefix + "-" + RUN + "-" + record.id();
      out.add(
          new LabelledRecord(
              id,
              record.text(),
              record.label(),
              "",
              record.json().replaceFirst("\"id\":\"[^\"]*\"", "\"id\":\"" + id + "\"")));
    }
    return out;
  }

  /** The stack plus the settings that make the loop fast with a tiny model. */
  private static Map<String, String> environment(StackEndpoints stack) {
    Map<String, String> env = ServicesReadyIT.stackEnvironment(stack);
    Map<String, String> settings = new LinkedHashMap<>();
    String only = "loop-" + RUN;
    settings.put("tuneloop.trainer.model-filter", only);
    settings.put("tuneloop.trainer.work-directory", work.resolve("trainer-work").toString());
    settings.put("tuneloop.trainer.progress-interval", "1s");
    settings.put("tuneloop.trainer.checkpoints.every-steps", "20");
    settings.put("tuneloop.trainer.checkpoints.upload-every-steps", "20");
    settings.put("tuneloop.trainer.profile.sample-size", "200");
    settings.put("tuneloop.trainer.defaults.epochs", "4");
    settings.put("tuneloop.trainer.defaults.batch-size", "4");
    settings.put("tuneloop.trainer.defaults.max-sequence-length", "32");
    settings.put("tuneloop.trainer.strategies.lora.learning-rate", "1e-2");
    settings.put("tuneloop.evaluator.model-filter", only);
    settings.put("tuneloop.evaluator.operator-token", OPERATOR_TOKEN);
    settings.put("tuneloop.evaluator.policy.bootstrap-samples", "200");
    settings.put("tuneloop.registry.model-pattern", only);
    settings.put("tuneloop.registry.min-samples", "40");
    settings.put("tuneloop.registry.min-duration", "1s");
    settings.put("tuneloop.registry.min-labelled", "30");
    settings.put("tuneloop.registry.guard-min-samples", "20");
    settings.put("tuneloop.registry.evaluation-interval", "500ms");
    settings.put("tuneloop.serving.model-filter", only);
    settings.put("tuneloop.serving.retry-after", "1s");
    settings.put("tuneloop.monitor.models-pattern", only);
    settings.put("tuneloop.monitor.tick-interval", "PT0.5S");
    settings.put("tuneloop.monitor.window-size", "60");
    settings.put("tuneloop.monitor.window-duration", "PT10S");
    settings.put("tuneloop.monitor.retraining.min-new-training-records", "100");
    settings.put("tuneloop.monitor.retraining.base-model", BASE);
    settings.forEach((key, value) -> env.put(ServicesReadyIT.environmentName(key), value));
    env.put("JAVA_TOOL_OPTIONS", "-Xmx512m -XX:+UseSerialGC");
    return env;
  }
}
