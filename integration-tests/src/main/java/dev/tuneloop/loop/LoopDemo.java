package dev.tuneloop.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.events.DatasetCurated;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.events.ModelHealth;
import dev.tuneloop.events.ModelTrained;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStatus;
import dev.tuneloop.events.TuneloopEvent;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.ml.store.ObjectUri;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.StorageSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The README's demo: drives the whole loop on the running stack and services with a real model and
 * real data, printing what happens as it happens.
 *
 * <ol>
 *   <li>seed: the base model into MinIO, the first world's labelled mail into curation;
 *   <li>first loop: curated, training requested by the monitor (new data), trained (LoRA),
 *       evaluated, registered, canary steps under live traffic with feedback, promoted;
 *   <li>shift: traffic and new labelled data from another world (hard ham, the later spam set):
 *       drift detected, retraining, a new canary, promotion or rollback;
 *   <li>a summary table.
 * </ol>
 *
 * <p>Progress is saved after each phase ({@code --state}); running it again continues from there.
 */
public final class LoopDemo {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final PrintStream OUT = System.out;

  private final DemoSettings settings;
  private final ServiceClient client;
  private final ObjectNode state;
  private final Map<String, String> timings = new LinkedHashMap<>();
  private final List<String[]> rolloutDecisions = new ArrayList<>();
  private final Instant started = Instant.now();
  private final java.util.Set<String> driftExplained =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean progressLineOpen;

  LoopDemo(DemoSettings settings) throws IOException {
    this.settings = settings;
    this.client = new ServiceClient(settings.services());
    this.state =
        Files.isRegularFile(settings.stateFile())
            ? (ObjectNode) JSON.readTree(settings.stateFile().toFile())
            : JSON.createObjectNode();
  }

  /** Entry point; see {@link DemoSettings#parse} for the arguments. */
  public static void main(String[] args) throws Exception {
    DemoSettings settings = DemoSettings.parse(args, System.getenv());
    int exit = new LoopDemo(settings).run();
    System.exit(exit);
  }

  int run() throws Exception {
    Instant since = Instant.parse(state.path("since").asText(started.minusSeconds(5).toString()));
    state.put("since", since.toString());
    List<LabelledRecord> corpus = LabelledRecord.readNdjson(settings.records());
    DemoData data = DemoData.split(corpus);
    OUT.printf(
        "%n== tuneloop demo: model '%s', dataset '%s', base model '%s' ==%n"
            + "   data: %d first-world training records, %d first-world traffic texts,"
            + " %d shifted training records, %d shifted traffic texts%n",
        settings.model(),
        settings.dataset(),
        settings.baseModel(),
        data.firstTraining().size(),
        data.firstTraffic().size(),
        data.shiftTraining().size(),
        data.shiftTraffic().size());
    try (EventLog events = new EventLog(settings.kafka(), since);
        Traffic traffic =
            new Traffic(
                client,
                settings.model(),
                settings.trafficBatch(),
                settings.feedbackShare(),
                settings.trafficPauseMillis())) {
      events.onEvent(seen -> print(seen.event()));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    traffic.close();
                    saveQuietly();
                  },
                  "demo-stop"));

      phase("seed-base-model", this::seedBaseModel);
      phase(
          "first-world-data",
          () -> uploadAndAwaitVersion(events, data.firstTraining(), "first-world labelled mail"));
      traffic.start(data.firstTraffic());
      phase("first-loop", () -> followLoop(events, "first loop"));
      phase(
          "shift",
          () -> {
            OUT.println("\n== injecting a shift: hard ham and the later spam set ==");
            // Labelled examples of the new world arrive first (as a labelling team would send
            // them), then production traffic shifts: the retraining that drift triggers can
            // learn the new world from the latest dataset version.
            uploadAndAwaitVersion(events, data.shiftTraining(), "shifted labelled mail");
            traffic.switchTo(data.shiftTraffic());
            int mark = events.mark();
            DriftDetected drift =
                events.await(
                    DriftDetected.class,
                    d ->
                        d.modelName().equals(settings.model())
                            && d.severity() != DriftDetected.Severity.LOW,
                    mark,
                    settings.stepTimeout(),
                    "drift.detected for " + settings.model());
            timings.put("shift -> drift detected", since(mark, events));
            OUT.printf(
                "   drift detected (%s)%n", drift.severity().name().toLowerCase(Locale.ROOT));
          });
      phase("second-loop", () -> followLoop(events, "retraining after the shift"));
      OUT.printf(
          "%n   traffic: %d requests, answers per arm and version %s, failures %s%n",
          traffic.requests(), traffic.tallies(), traffic.failures());
      summary(events);
      return 0;
    } catch (TimeoutException e) {
      OUT.println("\n!! the loop did not progress: " + e.getMessage());
      OUT.println("   see the services' logs: deploy/local/tuneloop logs <service>");
      return 1;
    } finally {
      saveQuietly();
    }
  }

  /** A named phase that runs once; later runs skip it. */
  private void phase(String name, Step step) throws Exception {
    if (state.path("done").path(name).asBoolean(false)) {
      OUT.printf("   (%s: done in an earlier run)%n", name);
      return;
    }
    Instant begin = Instant.now();
    step.run();
    timings.put(name, seconds(Duration.between(begin, Instant.now())));
    state.with("done").put(name, true);
    save();
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private void seedBaseModel() throws IOException {
    ObjectUri uri = ModelStore.baseModelUri(settings.baseModel());
    try (ObjectStore store =
        ObjectStore.connect(
            StorageSettings.builder(
                    settings.s3Endpoint(), settings.s3AccessKey(), settings.s3SecretKey())
                .build())) {
      ModelStore models = new ModelStore(store, settings.cacheDir().resolve("demo-models"));
      if (models.contains(uri, BaseModelFolder.WEIGHTS_FILE)) {
        OUT.printf("   base model already in %s%n", uri);
        return;
      }
      BaseModelFolder.open(settings.baseModelDir());
      models.upload(settings.baseModelDir(), uri, true);
      OUT.printf("   base model %s uploaded to %s%n", settings.baseModelDir(), uri);
    }
  }

  private void uploadAndAwaitVersion(EventLog events, List<LabelledRecord> records, String what)
      throws Exception {
    int mark = events.mark();
    String batch = client.uploadRecords(settings.dataset(), records);
    OUT.printf("   uploaded %d records (%s) to curation, batch %s%n", records.size(), what, batch);
    DatasetCurated curated =
        events.await(
            DatasetCurated.class,
            c -> c.dataset().equals(settings.dataset()),
            mark,
            settings.stepTimeout(),
            "dataset.curated for " + settings.dataset());
    timings.put("curation of " + what, since(mark, events));
    state.put("latestDatasetVersion", curated.version());
  }

  /**
   * Follows one turn of the loop: a training request (from the monitor's policy), the job, the
   * verdict, and the rollout to its end.
   */
  private void followLoop(EventLog events, String label) throws Exception {
    OUT.printf("%n== %s ==%n", label);
    int mark = events.mark();
    TrainingRequested request =
        events.await(
            TrainingRequested.class,
            r -> r.modelName().equals(settings.model()) && !handledJobs().contains(r.jobId()),
            0,
            settings.stepTimeout(),
            "training.requested for " + settings.model() + " (the monitor's retraining policy)");
    state.withArray("handledJobs").add(request.jobId());
    TrainingStatus done =
        events.await(
            TrainingStatus.class,
            s -> s.jobId().equals(request.jobId()) && s.state().terminal(),
            mark,
            settings.trainingTimeout(),
            "the end of training job " + request.jobId());
    timings.put(label + ": training", since(mark, events));
    if (done.state() != TrainingStatus.State.SUCCEEDED) {
      throw new TimeoutException(
          "training job "
              + request.jobId()
              + " ended "
              + done.state()
              + (done.failure() == null ? "" : ": " + done.failure().message()));
    }
    ModelEvaluated verdict =
        events.await(
            ModelEvaluated.class,
            e -> e.jobId().equals(request.jobId()),
            mark,
            settings.stepTimeout(),
            "the evaluation of job " + request.jobId());
    timings.put(label + ": evaluation", since(mark, events));
    if (verdict.verdict() == ModelEvaluated.Verdict.FAIL) {
      OUT.println("   the candidate failed its gates; the champion stays");
      return;
    }
    DeploymentState end =
        events.await(
            DeploymentState.class,
            s ->
                s.modelName().equals(settings.model())
                    && (s.phase() == DeploymentState.Phase.PROMOTED
                        || s.phase() == DeploymentState.Phase.ROLLED_BACK
                        || s.phase() == DeploymentState.Phase.ABORTED),
            mark,
            settings.rolloutTimeout(),
            "the end of the rollout of " + settings.model());
    timings.put(label + ": rollout", since(mark, events));
    for (DeploymentState.AuditEntry entry : end.history()) {
      String at = entry.at().toString();
      if (rolloutDecisions.stream().anyMatch(row -> row[0].equals(at))) {
        continue; // the history repeats the earlier loops' entries
      }
      rolloutDecisions.add(
          new String[] {
            entry.at().toString(),
            entry.action().name().toLowerCase(Locale.ROOT),
            entry.challengerVersion() == null ? "" : "v" + entry.challengerVersion(),
            entry.reason()
          });
    }
  }

  private java.util.Set<String> handledJobs() {
    java.util.Set<String> out = new java.util.HashSet<>();
    state.path("handledJobs").forEach(job -> out.add(job.asText()));
    return out;
  }

  private String since(int mark, EventLog events) {
    List<EventLog.Seen> seen = events.seen();
    Instant from = mark < seen.size() ? seen.get(mark).seenAt() : Instant.now();
    return seconds(Duration.between(from, Instant.now()));
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.0f s", duration.toMillis() / 1000.0);
  }

  private void print(TuneloopEvent event) {
    if (!relevant(event)) {
      return;
    }
    String line = null;
    if (event instanceof DatasetCurated c) {
      line =
          String.format(
              "   curated    %s v%d: train %d (+%d), validation %d, test %d; rejected %s",
              c.dataset(),
              c.version(),
              c.train().records(),
              c.train().added(),
              c.validation().records(),
              c.test().records(),
              c.rejectedByReason());
    } else if (event instanceof TrainingRequested r) {
      line =
          String.format(
              "   requested  job %s: %s on %s v%d, reason %s%s",
              r.jobId(),
              lower(r.strategy()),
              r.dataset(),
              r.datasetVersion(),
              lower(r.reason()),
              r.reasonDetail() == null ? "" : " (" + r.reasonDetail() + ")");
    } else if (event instanceof TrainingStatus s && s.state() == TrainingStatus.State.RUNNING) {
      progressLineOpen = true;
      OUT.printf(
          Locale.ROOT,
          "\r   training   job %s: step %d/%s epoch %d loss %s, %s samples/s, ETA %s s   ",
          s.jobId(),
          s.step(),
          s.totalSteps() == null ? "?" : s.totalSteps().toString(),
          s.epoch(),
          s.loss() == null ? "-" : String.format(Locale.ROOT, "%.4f", s.loss()),
          s.samplesPerSecond() == null
              ? "-"
              : String.format(Locale.ROOT, "%.1f", s.samplesPerSecond()),
          s.etaSeconds() == null ? "?" : s.etaSeconds().toString());
    } else if (event instanceof TrainingStatus s) {
      line =
          String.format(
              "   job        %s: %s%s",
              s.jobId(),
              lower(s.state()),
              s.failure() == null
                  ? ""
                  : " (" + s.failure().code() + ": " + s.failure().message() + ")");
    } else if (event instanceof ModelTrained t) {
      line =
          String.format(
              "   trained    %s job %s -> %s, validation %s",
              t.modelName(), t.jobId(), t.candidateUri(), round(t.validationMetrics()));
    } else if (event instanceof ModelEvaluated e) {
      StringBuilder out =
          new StringBuilder(
              String.format(
                  "   evaluated  job %s: %s (champion %s)",
                  e.jobId(),
                  lower(e.verdict()),
                  e.championVersion() == null ? "none" : "v" + e.championVersion()));
      for (ModelEvaluated.Reason reason : e.reasons()) {
        out.append("\n                ")
            .append(reason.passed() ? "ok   " : "FAIL ")
            .append(reason.message());
      }
      line = out.toString();
    } else if (event instanceof DeploymentState d) {
      DeploymentState.AuditEntry last =
          d.history().isEmpty() ? null : d.history().get(d.history().size() - 1);
      line =
          String.format(
              Locale.ROOT,
              "   rollout    %s: %s, champion %s, challenger %s at %.0f%%%s",
              d.modelName(),
              lower(d.phase()),
              d.champion() == null ? "-" : "v" + d.champion().version(),
              d.challenger() == null ? "-" : "v" + d.challenger().version(),
              d.challengerWeight() * 100,
              last == null ? "" : " (" + lower(last.action()) + ": " + last.reason() + ")");
    } else if (event instanceof ModelHealth h) {
      line =
          String.format(
              Locale.ROOT,
              "   health     %s v%s (%s): %d predictions, %d labelled, accuracy %s, confidence %s",
              h.modelName(),
              h.modelVersion(),
              lower(h.arm()),
              h.sampleCount(),
              h.labelledCount(),
              fmt(h.onlineAccuracy()),
              fmt(h.meanConfidence()));
    } else if (event instanceof DriftDetected d) {
      StringBuilder out =
          new StringBuilder(
              String.format(
                  "   DRIFT      %s v%s: severity %s over %d predictions",
                  d.modelName(), d.modelVersion(), lower(d.severity()), d.sampleCount()));
      boolean first = driftExplained.add(d.modelName() + " v" + d.modelVersion());
      if (!first) {
        long drifted = d.tests().stream().filter(DriftDetected.DriftTest::drifted).count();
        out.append(String.format(" (%d of %d tests)", drifted, d.tests().size()));
      }
      for (DriftDetected.DriftTest test : d.tests()) {
        if (first && test.drifted()) {
          out.append(
              String.format(
                  Locale.ROOT,
                  "%n                %s on %s: %.4f (threshold %.4f)",
                  test.test(),
                  test.feature(),
                  test.statistic(),
                  test.threshold()));
        }
      }
      line = out.toString();
    }
    if (line != null) {
      if (progressLineOpen) {
        OUT.println();
        progressLineOpen = false;
      }
      OUT.println(line);
    }
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private boolean relevant(TuneloopEvent event) {
    String model = settings.model();
    if (event instanceof DatasetCurated c) {
      return c.dataset().equals(settings.dataset());
    } else if (event instanceof TrainingRequested r) {
      return r.modelName().equals(model);
    } else if (event instanceof TrainingStatus s) {
      return s.modelName().equals(model);
    } else if (event instanceof ModelTrained t) {
      return t.modelName().equals(model);
    } else if (event instanceof ModelEvaluated e) {
      return e.modelName().equals(model);
    } else if (event instanceof DeploymentState d) {
      return d.modelName().equals(model);
    } else if (event instanceof ModelHealth h) {
      return h.modelName().equals(model) && settings.verbose();
    } else if (event instanceof DriftDetected d) {
      return d.modelName().equals(model)
          && (d.severity() != DriftDetected.Severity.LOW || settings.verbose());
    }
    return false;
  }

  private static Map<String, String> round(Map<String, Double> metrics) {
    Map<String, String> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> out.put(k, String.format(Locale.ROOT, "%.4f", v)));
    return out;
  }

  private void summary(EventLog events) throws InterruptedException {
    OUT.println("\n== summary ==");
    OUT.println("\n   model versions");
    OUT.printf(
        "   %-40s %-8s %-9s %-9s %s%n", "job", "verdict", "macro-F1", "accuracy", "champion then");
    for (ModelEvaluated e : events.all(ModelEvaluated.class)) {
      if (!e.modelName().equals(settings.model())) {
        continue;
      }
      OUT.printf(
          Locale.ROOT,
          "   %-40s %-8s %-9s %-9s %s%n",
          e.jobId(),
          e.verdict().name().toLowerCase(Locale.ROOT),
          fmt(e.candidateMetrics().get("macro_f1")),
          fmt(e.candidateMetrics().get("accuracy")),
          e.championVersion() == null
              ? "none"
              : "v"
                  + e.championVersion()
                  + " (macro-F1 "
                  + fmt(e.championMetrics().get("macro_f1"))
                  + ")");
    }
    OUT.println("\n   rollout decisions");
    for (String[] row : rolloutDecisions) {
      OUT.printf("   %-27s %-9s %-5s %s%n", (Object[]) row);
    }
    OUT.println("\n   timings");
    timings.forEach((k, v) -> OUT.printf("   %-45s %s%n", k, v));
    try {
      JsonNode registry = client.get("registry", "/api/v1/models/" + settings.model());
      OUT.println("\n   registry: " + registry.path("aliases"));
    } catch (IOException e) {
      OUT.println("\n   registry: " + e.getMessage());
    }
    OUT.printf(
        "%n   MLflow UI      %s%n   MinIO console  %s%n",
        settings.mlflowUi(), settings.minioConsole());
  }

  private static String fmt(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
  }

  private void save() throws IOException {
    Files.createDirectories(settings.stateFile().toAbsolutePath().getParent());
    Path tmp = settings.stateFile().resolveSibling(settings.stateFile().getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), state);
    Files.move(
        tmp,
        settings.stateFile(),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private void saveQuietly() {
    try {
      save();
    } catch (IOException e) {
      System.err.println("could not save the demo state: " + e.getMessage());
    }
  }
}
