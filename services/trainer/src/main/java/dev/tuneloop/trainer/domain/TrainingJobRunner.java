package dev.tuneloop.trainer.domain;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.EventJson;
import dev.tuneloop.events.EventMetadata;
import dev.tuneloop.events.ModelTrained;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStatus;
import dev.tuneloop.events.TrainingStatus.State;
import dev.tuneloop.events.TrainingStrategy;
import dev.tuneloop.ml.inference.TextClassifier;
import dev.tuneloop.ml.lora.LoraConfig;
import dev.tuneloop.ml.metrics.ClassificationMetrics;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.model.ModelArtifact;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.ml.store.ObjectUri;
import dev.tuneloop.ml.train.EarlyStopping;
import dev.tuneloop.ml.train.FineTuneResult;
import dev.tuneloop.ml.train.FineTuneSpec;
import dev.tuneloop.ml.train.FineTuner;
import dev.tuneloop.ml.train.LearningRateSchedule;
import dev.tuneloop.ml.train.Strategy;
import dev.tuneloop.ml.train.TrainingCancelledException;
import dev.tuneloop.ml.train.TrainingListener;
import dev.tuneloop.ml.train.TrainingProgress;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.ObjectSummary;
import dev.tuneloop.storage.StorageException;
import dev.tuneloop.tracking.ArtifactClient;
import dev.tuneloop.tracking.MetricPoint;
import dev.tuneloop.tracking.ModelRegistryClient;
import dev.tuneloop.tracking.ModelVersion;
import dev.tuneloop.tracking.RunStatus;
import dev.tuneloop.tracking.TrackedRun;
import dev.tuneloop.tracking.TrackingClient;
import dev.tuneloop.tracking.TrackingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Runs one training job from request to published candidate: {@code validating} (hyperparameters,
 * dataset version, base model, warm start), {@code queued} (MLflow run, local copies of data and
 * base model, checkpoint restore), {@code running} (fine-tuning with progress events, MLflow
 * metrics and checkpoint uploads), then the candidate with its model card and reference profile,
 * the MLflow artifacts, {@code model.trained}, and {@code succeeded}.
 *
 * <p>Idempotent per job id: a job with a recorded result is not trained again, and {@code
 * model.trained} is sent at most once after its acknowledgement was recorded (with the same event
 * id if it has to be sent again). A job whose worker died resumes from its newest checkpoint.
 */
public final class TrainingJobRunner {

  /** What the consumer should do with the request's offset. */
  public enum Outcome {
    /** The job reached a terminal state: commit. */
    FINISHED,
    /** The job had ended before (duplicate delivery): commit, nothing was published. */
    ALREADY_DONE,
    /** The job stopped because this worker gave it up: do not commit, another worker resumes. */
    HANDED_OVER,
    /** Finished but model.trained could not be published: do not commit, try again later. */
    RETRY
  }

  /** CloudEvents source of the trainer's events. */
  public static final String SOURCE = "tuneloop/trainer";

  private static final Logger LOG = Logger.getLogger(TrainingJobRunner.class);
  private static final ObjectMapper FILES =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper JSON = EventJson.newObjectMapper();

  private final ObjectStore store;
  private final ModelStore models;
  private final TrackingClient tracking;
  private final ArtifactClient artifacts;
  private final ModelRegistryClient registry;
  private final JobEvents events;
  private final JobRecords records;
  private final HyperparameterPolicy policy;
  private final RunnerSettings settings;
  private final Clock clock;
  private final Map<Path, String> sha256s = new ConcurrentHashMap<>();

  /** A runner over the given clients. */
  public TrainingJobRunner(
      ObjectStore store,
      ModelStore models,
      TrackingClient tracking,
      ArtifactClient artifacts,
      ModelRegistryClient registry,
      JobEvents events,
      HyperparameterPolicy policy,
      RunnerSettings settings,
      Clock clock) {
    this.store = store;
    this.models = models;
    this.tracking = tracking;
    this.artifacts = artifacts;
    this.registry = registry;
    this.events = events;
    this.records = new JobRecords(store);
    this.policy = policy;
    this.settings = settings;
    this.clock = clock;
  }

  /** The durable job records. */
  public JobRecords records() {
    return records;
  }

  /** A tracker for a job on this worker. */
  public JobTracker newTracker(TrainingRequested job) {
    return new JobTracker(
        job.jobId(), job.modelName(), settings.workerId(), clock, settings.progressInterval());
  }

  /**
   * Runs the job.
   *
   * @param request the request with its CloudEvents metadata
   * @param tracker the job's tracker (from {@link #newTracker}); cancel through it
   * @param givenUp true once this worker must give the job up (partition revoked, shutdown)
   */
  public Outcome run(
      EventEnvelope<TrainingRequested> request, JobTracker tracker, BooleanSupplier givenUp) {
    TrainingRequested job = request.data();
    String model = job.modelName();
    Optional<JobRecords.Result> done = records.result(model, job.jobId());
    if (done.isPresent()) {
      LOG.infof("job %s ended before (%s); not running it again", job.jobId(), done.get().state());
      return publishIfPending(model, job.jobId(), done.get())
          ? Outcome.ALREADY_DONE
          : Outcome.RETRY;
    }
    records.earlierAttempt(model, job.jobId()).ifPresent(tracker::continueFrom);
    records.index(job.jobId(), model);
    Attempt attempt = new Attempt(request, tracker, givenUp);
    try {
      return attempt.run();
    } catch (TrainingCancelledException e) {
      if (givenUp.getAsBoolean()) {
        LOG.infof("job %s handed over at step %d", job.jobId(), e.step());
        return Outcome.HANDED_OVER;
      }
      return attempt.cancelled();
    } catch (RuntimeException | IOException e) {
      if (givenUp.getAsBoolean()) {
        LOG.warnf(e, "job %s stopped while being handed over", job.jobId());
        return Outcome.HANDED_OVER;
      }
      JobFailedException failure = classify(e);
      if (e instanceof JobFailedException) {
        LOG.warnf("job %s failed: %s: %s", job.jobId(), failure.code(), failure.getMessage());
      } else {
        LOG.errorf(e, "job %s failed: %s", job.jobId(), failure.code());
      }
      return attempt.failed(failure);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.HANDED_OVER;
    } finally {
      attempt.stopReporter();
    }
  }

  /** Publishes model.trained of a succeeded job unless that was recorded; false if Kafka failed. */
  private boolean publishIfPending(String model, String jobId, JobRecords.Result result) {
    if (result.state() != State.SUCCEEDED || records.published(model, jobId)) {
      return true;
    }
    try {
      ModelTrained event = JSON.treeToValue(result.modelTrained(), ModelTrained.class);
      EventMetadata metadata =
          new EventMetadata(
              UUID.fromString(result.modelTrainedEventId()),
              ModelTrained.TYPE,
              SOURCE,
              event.key(),
              result.finishedAt(),
              result.correlationId(),
              EventMetadata.SPEC_VERSION,
              EventMetadata.JSON);
      events.publish(new EventEnvelope<>(metadata, event));
      records.markPublished(model, jobId, result.modelTrainedEventId());
      LOG.infof("job %s: model.trained published (%s)", jobId, result.candidateUri());
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "job %s: model.trained not published yet; will try again", jobId);
      return false;
    }
  }

  /** A failure's reason code and message. */
  static JobFailedException classify(Throwable e) {
    if (e instanceof JobFailedException j) {
      return j;
    }
    if (e instanceof StorageException) {
      return new JobFailedException(
          FailureCodes.STORAGE_UNAVAILABLE, "object store failed: " + e.getMessage(), e);
    }
    if (e instanceof TrackingException) {
      return new JobFailedException(
          FailureCodes.TRACKING_UNAVAILABLE, "MLflow failed: " + e.getMessage(), e);
    }
    if (e instanceof IllegalArgumentException) {
      String message = String.valueOf(e.getMessage());
      return new JobFailedException(
          message.contains(".jsonl") || message.contains("label")
              ? FailureCodes.INVALID_DATASET
              : FailureCodes.INVALID_HYPERPARAMETER,
          message,
          e);
    }
    return new JobFailedException(
        FailureCodes.TRAINING_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
  }

  /** One attempt at a job on this worker. */
  private final class Attempt {
    private final EventEnvelope<TrainingRequested> request;
    private final TrainingRequested job;
    private final JobTracker tracker;
    private final BooleanSupplier givenUp;
    private final Path jobDirectory;
    private final CheckpointMirror mirror;
    private final ConcurrentLinkedQueue<MetricPoint> pendingMetrics = new ConcurrentLinkedQueue<>();
    private ScheduledExecutorService reporter;
    private TrackedRun run;

    Attempt(EventEnvelope<TrainingRequested> request, JobTracker tracker, BooleanSupplier givenUp) {
      this.request = request;
      this.job = request.data();
      this.tracker = tracker;
      this.givenUp = givenUp;
      this.jobDirectory = settings.workDirectory().resolve("jobs").resolve(job.jobId());
      this.mirror = new CheckpointMirror(store, job.modelName(), job.jobId());
    }

    Outcome run() throws IOException, InterruptedException {
      publish(tracker.moveTo(State.VALIDATING));
      if (cancelRequested()) {
        return cancelled();
      }
      ResolvedHyperparameters h = policy.resolve(job.strategy(), job.hyperparameters());
      DatasetVersion data = DatasetVersion.read(store, job.dataset(), job.datasetVersion());
      if (h.earlyStoppingPatience() > 0 && data.records("validation") == 0) {
        throw new JobFailedException(
            FailureCodes.INVALID_HYPERPARAMETER,
            "earlyStoppingPatience needs a validation split, but "
                + data.uri()
                + " has no validation records");
      }
      ObjectUri baseUri = baseModelUri(job.baseModel());
      WarmStart warm = resolveWarmStart();
      tracker.plan(h.epochs(), null);
      publish(tracker.moveTo(State.QUEUED));

      run = startOrContinueRun(h, data);
      tracker.mlflowRun(run.runId());
      Path base = models.fetch(baseUri);
      Path encoderSource = base;
      if (warm != null) {
        Path warmFolder = models.fetch(warm.uri());
        if (ModelArtifact.hasFullWeights(warmFolder)) {
          encoderSource = warmFolder;
        } else {
          LOG.warnf(
              "job %s: champion %s holds no full weights (head or LoRA); starting from the base",
              job.jobId(), warm.uri());
          tracking.setTag(
              run.runId(), "tuneloop.warm_start_skipped", "champion has no full weights");
          warm = null;
        }
      }
      BertConfig config = BertConfig.read(encoderSource.resolve(BertConfig.FILE_NAME));
      if (h.maxSequenceLength() > config.maxPositionEmbeddings()) {
        throw new JobFailedException(
            FailureCodes.INVALID_HYPERPARAMETER,
            "maxSequenceLength "
                + h.maxSequenceLength()
                + " exceeds the base model's max_position_embeddings "
                + config.maxPositionEmbeddings());
      }
      Path datasetFolder = prepareDataset(data, h, warm != null);
      Path checkpoints = jobDirectory.resolve("checkpoints");
      int resumeStep = mirror.restore(checkpoints);
      tracker.resumedFrom(resumeStep);
      Path output = jobDirectory.resolve("output");
      CheckpointMirror.deleteRecursively(output);
      FineTuneSpec spec = spec(h, encoderSource, datasetFolder, output, data.labels(), checkpoints);

      publish(tracker.moveTo(State.RUNNING));
      startReporter();
      FineTuneResult result = train(spec, checkpoints);
      stopReporter();
      tracker.resumedFrom(result.resumedFromStep());
      return succeed(h, data, baseUri, base, warm, result);
    }

    private FineTuneResult train(FineTuneSpec spec, Path checkpoints)
        throws IOException, InterruptedException {
      Listener listener = new Listener();
      try {
        return new FineTuner().run(spec, listener);
      } catch (IllegalArgumentException e) {
        if (!String.valueOf(e.getMessage()).startsWith("Checkpoint ")) {
          throw e;
        }
        // Written with other local paths or settings (e.g. another cache folder): start over.
        LOG.warnf("job %s: cannot resume (%s); starting over", job.jobId(), e.getMessage());
        CheckpointMirror.deleteRecursively(checkpoints);
        mirror.deleteAll();
        tracker.resumedFrom(0);
        return new FineTuner().run(spec, listener);
      }
    }

    private Outcome succeed(
        ResolvedHyperparameters h,
        DatasetVersion data,
        ObjectUri baseUri,
        Path base,
        WarmStart warm,
        FineTuneResult result)
        throws IOException {
      Map<String, Double> validation =
          result.validation() == null ? Map.of() : result.validation().asMap();
      Map<String, Double> test = result.test() == null ? Map.of() : result.test().asMap();
      Map<String, Double> finalMetrics = new LinkedHashMap<>();
      validation.forEach((k, v) -> finalMetrics.put("val_" + k, v));
      test.forEach((k, v) -> finalMetrics.put("test_" + k, v));
      finalMetrics.put("train_final_loss", result.finalTrainLoss());
      finalMetrics.put("train_samples_per_second", result.trainSamplesPerSecond());
      finalMetrics.put("trainable_share", result.trainableShare());
      finalMetrics.put("wall_seconds", result.wallTime().toMillis() / 1000.0);
      tracker.metrics(finalMetrics);

      Path output = result.modelDirectory();
      Map<String, Object> profile = profile(output, base, data);
      String device = Engine.getInstance().defaultDevice().toString();
      String baseName = baseNameOf(job.baseModel());
      String candidateUri =
          new ObjectUri(Buckets.MODELS, job.modelName() + "/candidates/" + job.jobId() + "/")
              .toString();
      ModelCard card =
          new ModelCard(
              job.modelName(),
              job.jobId(),
              clock.instant(),
              job.strategy().name().toLowerCase(Locale.ROOT),
              data.labels(),
              baseName,
              baseUri.toString(),
              sha256(base.resolve("model.safetensors")),
              job.dataset(),
              job.datasetVersion(),
              data.manifestSha256(),
              data.uri(),
              warm == null ? null : warm.version(),
              warm == null ? null : warm.uri().toString(),
              h.asMap(job.strategy() == TrainingStrategy.LORA),
              validation,
              test,
              run.runId(),
              device,
              result.trainableParameters(),
              result.totalParameters());
      FILES.writeValue(output.resolve(ModelStore.MODEL_CARD_FILE).toFile(), card.toJson());
      FILES.writeValue(output.resolve("reference_profile.json").toFile(), profile);
      models.upload(output, ObjectUri.parse(candidateUri), false);
      tracker.candidate(candidateUri);

      for (String file :
          List.of(
              ModelStore.MODEL_CARD_FILE,
              "reference_profile.json",
              ModelArtifact.LABELS_FILE,
              BertConfig.FILE_NAME)) {
        artifacts.upload(run.artifactUri(), "candidate/" + file, output.resolve(file));
      }
      List<MetricPoint> points = new ArrayList<>(drainMetrics());
      long step = result.steps();
      finalMetrics.forEach(
          (k, v) -> {
            if (Double.isFinite(v)) {
              points.add(MetricPoint.now(k, v, step));
            }
          });
      tracking.logBatch(
          run.runId(),
          points,
          Map.of(),
          Map.of(
              "tuneloop.candidate_uri",
              candidateUri,
              "tuneloop.device",
              device,
              "tuneloop.resumed_from_step",
              Integer.toString(result.resumedFromStep())));
      tracking.endRun(run.runId(), RunStatus.FINISHED);

      ModelTrained trained =
          new ModelTrained(
              job.modelName(),
              job.jobId(),
              candidateUri,
              run.runId(),
              finite(validation),
              data.labels(),
              new ModelTrained.Lineage(
                  job.dataset(),
                  job.datasetVersion(),
                  data.manifestSha256(),
                  baseName,
                  sha256(base.resolve("model.safetensors")),
                  job.strategy(),
                  warm == null ? null : warm.version()),
              clock.instant());
      UUID eventId =
          UUID.nameUUIDFromBytes(
              ("tuneloop/trainer/model.trained/" + job.jobId()).getBytes(StandardCharsets.UTF_8));
      JobRecords.Result recorded =
          records.saveResult(
              job.modelName(),
              job.jobId(),
              new JobRecords.Result(
                  State.SUCCEEDED,
                  null,
                  candidateUri,
                  run.runId(),
                  eventId.toString(),
                  JSON.readTree(EventJson.encode(trained)),
                  request.metadata().correlationId(),
                  clock.instant()));
      if (!publishIfPending(job.modelName(), job.jobId(), recorded)) {
        return Outcome.RETRY;
      }
      JobSnapshot finished = tracker.moveTo(State.SUCCEEDED);
      publish(finished);
      cleanUp();
      LOG.infof(
          "job %s succeeded: %d steps (resumed from %d), candidate %s",
          job.jobId(), result.steps(), result.resumedFromStep(), candidateUri);
      return Outcome.FINISHED;
    }

    Outcome cancelled() {
      stopReporter();
      JobSnapshot s = tracker.moveTo(State.CANCELLED);
      endRun(RunStatus.KILLED);
      saveResult(State.CANCELLED, null);
      publish(s);
      cleanUp();
      LOG.infof("job %s cancelled at step %d", job.jobId(), s.step());
      return Outcome.FINISHED;
    }

    Outcome failed(JobFailedException failure) {
      stopReporter();
      String message =
          failure.getMessage() == null || failure.getMessage().isBlank()
              ? failure.code()
              : failure.getMessage();
      JobSnapshot s = tracker.fail(failure.code(), message);
      endRun(RunStatus.FAILED);
      if (run != null) {
        try {
          tracking.setTag(
              run.runId(), "tuneloop.failure", failure.code() + ": " + truncate(message));
        } catch (RuntimeException e) {
          LOG.debugf(e, "cannot tag the run of job %s", job.jobId());
        }
      }
      saveResult(State.FAILED, s.failure());
      publish(s);
      cleanUp();
      return Outcome.FINISHED;
    }

    private void saveResult(State state, TrainingStatus.Failure failure) {
      try {
        records.saveResult(
            job.modelName(),
            job.jobId(),
            new JobRecords.Result(
                state,
                failure,
                null,
                run == null ? null : run.runId(),
                null,
                null,
                request.metadata().correlationId(),
                clock.instant()));
      } catch (RuntimeException e) {
        LOG.errorf(e, "job %s: cannot record its %s result", job.jobId(), state);
      }
    }

    private void endRun(RunStatus status) {
      if (run == null) {
        return;
      }
      try {
        tracking.endRun(run.runId(), status);
      } catch (RuntimeException e) {
        LOG.warnf(e, "job %s: cannot end MLflow run %s", job.jobId(), run.runId());
      }
    }

    private void cleanUp() {
      try {
        mirror.deleteAll();
      } catch (RuntimeException e) {
        LOG.warnf(e, "job %s: cannot delete its checkpoints at %s", job.jobId(), mirror.uri());
      }
      try {
        CheckpointMirror.deleteRecursively(jobDirectory);
      } catch (IOException e) {
        LOG.warnf(e, "job %s: cannot delete %s", job.jobId(), jobDirectory);
      }
    }

    private boolean cancelRequested() {
      if (tracker.cancelRequested()) {
        return true;
      }
      if (records.cancelRequested(job.modelName(), job.jobId())) {
        tracker.requestCancel();
        return true;
      }
      return false;
    }

    /** Publishes a status event and saves it; a failure is logged (status is informational). */
    private void publish(JobSnapshot s) {
      try {
        records.saveStatus(s);
      } catch (RuntimeException e) {
        LOG.warnf(e, "job %s: cannot save its status", job.jobId());
      }
      try {
        events.publish(EventEnvelope.causedBy(request, s.toEvent(), SOURCE));
      } catch (RuntimeException e) {
        LOG.errorf(e, "job %s: status %s not published", job.jobId(), s.state());
      }
    }

    private ObjectUri baseModelUri(String baseModel) {
      ObjectUri uri;
      try {
        uri =
            baseModel.startsWith(ObjectUri.SCHEME)
                ? ObjectUri.parse(baseModel)
                : ModelStore.baseModelUri(baseModel);
      } catch (IllegalArgumentException e) {
        throw new JobFailedException(FailureCodes.BASE_MODEL_NOT_FOUND, e.getMessage(), e);
      }
      Set<String> present = new java.util.HashSet<>();
      for (ObjectSummary o : store.list(uri.bucket(), uri.prefix())) {
        present.add(o.key().substring(uri.prefix().length()));
      }
      for (String required : List.of("config.json", "tokenizer.json", "model.safetensors")) {
        if (!present.contains(required)) {
          throw new JobFailedException(
              FailureCodes.BASE_MODEL_NOT_FOUND,
              present.isEmpty()
                  ? "base model " + uri + " does not exist"
                  : "base model " + uri + " lacks " + required);
        }
      }
      return uri;
    }

    private WarmStart resolveWarmStart() {
      String from = job.warmStartFrom();
      if (from == null) {
        return null;
      }
      Optional<ModelVersion> version =
          from.matches("\\d+")
              ? registry.findModelVersion(job.modelName(), from)
              : registry.getVersionByAlias(job.modelName(), from);
      if (version.isEmpty()) {
        if (from.matches("\\d+")) {
          throw new JobFailedException(
              FailureCodes.WARM_START_NOT_FOUND,
              "model " + job.modelName() + " has no version " + from + " to warm-start from");
        }
        LOG.infof(
            "job %s: model %s has no alias '%s' yet; starting from the base model",
            job.jobId(), job.modelName(), from);
        return null;
      }
      ModelVersion v = version.get();
      String source = v.source();
      if (source == null || !source.startsWith(ObjectUri.SCHEME)) {
        source = v.tags().getOrDefault("tuneloop.candidate_uri", v.tags().get("candidate_uri"));
      }
      if (source == null || !source.startsWith(ObjectUri.SCHEME)) {
        throw new JobFailedException(
            FailureCodes.WARM_START_NOT_FOUND,
            "version "
                + v.version()
                + " of "
                + job.modelName()
                + " names no s3:// artifact (source "
                + v.source()
                + ")");
      }
      return new WarmStart(v.version(), ObjectUri.parse(source));
    }

    private TrackedRun startOrContinueRun(ResolvedHyperparameters h, DatasetVersion data) {
      String experiment = tracking.getOrCreateExperiment("tuneloop/" + job.modelName());
      String earlier = tracker.snapshot().mlflowRunId();
      if (earlier != null) {
        Optional<TrackedRun> found = tracking.findRun(earlier);
        if (found.isPresent()) {
          return found.get();
        }
      }
      List<TrackedRun> tagged = tracking.findRunsByTag(experiment, "tuneloop.job_id", job.jobId());
      if (!tagged.isEmpty()) {
        return tagged.get(0);
      }
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put("tuneloop.job_id", job.jobId());
      tags.put("tuneloop.kind", "training");
      tags.put("tuneloop.dataset", job.dataset());
      tags.put("tuneloop.dataset_version", Integer.toString(job.datasetVersion()));
      tags.put("tuneloop.model", job.modelName());
      tags.put("tuneloop.reason", job.reason().name().toLowerCase(Locale.ROOT));
      tags.put("tuneloop.correlation_id", request.metadata().correlationId());
      TrackedRun created = tracking.startRun(experiment, "train-" + job.jobId(), tags);
      Map<String, String> params = new LinkedHashMap<>();
      h.asMap(job.strategy() == TrainingStrategy.LORA)
          .forEach((k, v) -> params.put(k, String.valueOf(v)));
      params.put("strategy", job.strategy().name().toLowerCase(Locale.ROOT));
      params.put("base_model", job.baseModel());
      params.put("dataset", job.dataset());
      params.put("dataset_version", Integer.toString(job.datasetVersion()));
      params.put("dataset_manifest_sha256", data.manifestSha256());
      params.put("labels", String.join(",", data.labels()));
      params.put("warm_start_from", String.valueOf(job.warmStartFrom()));
      params.put("device", Engine.getInstance().defaultDevice().toString());
      tracking.logBatch(created.runId(), List.of(), params, Map.of());
      return created;
    }

    private Path prepareDataset(DatasetVersion data, ResolvedHyperparameters h, boolean warm)
        throws IOException {
      String mix =
          warm
              ? String.format(Locale.ROOT, "warm-r%.4f-s%d", h.rehearsalFraction(), h.seed())
              : "all";
      Path folder =
          settings
              .workDirectory()
              .resolve("datasets")
              .resolve(job.dataset())
              .resolve("v" + job.datasetVersion() + "-" + data.manifestSha256().substring(0, 12))
              .resolve(mix);
      if (Files.isRegularFile(folder.resolve("train.jsonl"))) {
        return folder;
      }
      Path staging = folder.resolveSibling(mix + ".partial-" + UUID.randomUUID());
      Files.createDirectories(staging);
      try {
        for (String split : List.of("train", "validation", "test")) {
          if (data.records(split) == 0 && !split.equals("train")) {
            continue;
          }
          store.get(Buckets.DATASETS, data.splitKey(split), staging.resolve(split + ".jsonl"));
        }
        Path train = staging.resolve("train.jsonl");
        List<String> lines =
            Files.readAllLines(train, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank())
                .toList();
        if (lines.isEmpty()) {
          throw new JobFailedException(
              FailureCodes.INVALID_DATASET, data.uri() + " has no training records");
        }
        Files.copy(train, staging.resolve("train.full.jsonl"), StandardCopyOption.REPLACE_EXISTING);
        List<String> chosen =
            TrainingSetMixer.select(
                lines,
                Math.min(data.added("train"), lines.size()),
                warm,
                h.rehearsalFraction(),
                h.seed());
        Files.write(train, chosen, StandardCharsets.UTF_8);
        Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileAlreadyExistsException
          | java.nio.file.DirectoryNotEmptyException e) {
        // prepared meanwhile
      } finally {
        CheckpointMirror.deleteRecursively(staging);
      }
      return folder;
    }

    private FineTuneSpec spec(
        ResolvedHyperparameters h,
        Path base,
        Path dataset,
        Path output,
        List<String> labels,
        Path checkpoints) {
      FineTuneSpec.Builder b =
          FineTuneSpec.builder(base, dataset, output, labels)
              .strategy(Strategy.valueOf(job.strategy().name()))
              .learningRate(h.learningRate())
              .epochs(h.epochs())
              .maxSteps((int) Math.min(Integer.MAX_VALUE, h.maxSteps()))
              .batchSize(h.batchSize())
              .warmupRatio(h.warmupRatio())
              .schedule(LearningRateSchedule.Decay.valueOf(h.schedule().toUpperCase(Locale.ROOT)))
              .weightDecay(h.weightDecay())
              .maxGradNorm(h.maxGradNorm())
              .maxLength(h.maxSequenceLength())
              .seed(h.seed())
              .baseModelName(baseNameOf(job.baseModel()));
      if (h.earlyStoppingPatience() > 0) {
        b.earlyStopping(new EarlyStopping(h.earlyStoppingPatience(), "macro_f1", 0));
      }
      if (job.strategy() == TrainingStrategy.LORA) {
        b.lora(
            new LoraConfig(
                h.loraRank(), h.loraAlpha(), h.loraDropout(), h.loraTargetModules(), false));
      }
      if (settings.checkpointEverySteps() > 0) {
        b.checkpoints(checkpoints, settings.checkpointEverySteps());
      }
      return b.build();
    }

    private Map<String, Object> profile(Path output, Path base, DatasetVersion data)
        throws IOException {
      Path full =
          settings
              .workDirectory()
              .resolve("datasets")
              .resolve(job.dataset())
              .resolve("v" + job.datasetVersion() + "-" + data.manifestSha256().substring(0, 12));
      List<String> lines = new ArrayList<>();
      try (var mixes = Files.list(full)) {
        Path any =
            mixes
                .filter(p -> Files.isRegularFile(p.resolve("train.full.jsonl")))
                .findFirst()
                .orElseThrow(
                    () -> new IOException("no local copy of the train split under " + full));
        for (String line : Files.readAllLines(any.resolve("train.full.jsonl"))) {
          if (!line.isBlank()) {
            lines.add(line);
          }
        }
      }
      Collections.shuffle(lines, new Random(settings.profiler().seed()));
      List<String> sample = lines.subList(0, Math.min(lines.size(), settings.profileSampleSize()));
      List<String> texts = new ArrayList<>(sample.size());
      List<String> truth = new ArrayList<>(sample.size());
      for (String line : sample) {
        JsonNode node = JSON.readTree(line);
        texts.add(node.path("text").asText());
        truth.add(node.path("label").asText());
      }
      List<ReferenceProfiler.Observation> observations = new ArrayList<>(texts.size());
      try (TextClassifier classifier = TextClassifier.load(output, base, null, 32)) {
        List<TextClassifier.Analysis> analyses = classifier.analyze(texts);
        for (int i = 0; i < texts.size(); i++) {
          TextClassifier.Analysis a = analyses.get(i);
          observations.add(
              new ReferenceProfiler.Observation(
                  texts.get(i),
                  truth.get(i),
                  a.prediction().label(),
                  a.prediction().confidence(),
                  a.tokenCount(),
                  a.embedding()));
        }
      }
      return settings.profiler().profile(data.labels(), observations);
    }

    private void startReporter() {
      reporter =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "trainer-progress-" + job.jobId());
                t.setDaemon(true);
                return t;
              });
      long[] ticks = {0};
      reporter.scheduleWithFixedDelay(
          () -> {
            try {
              ticks[0]++;
              if (ticks[0] % 2 == 0 && !tracker.cancelRequested()) {
                cancelRequested();
              }
              if (tracker.progressDue()) {
                publish(tracker.report());
              }
              flushMetrics();
            } catch (RuntimeException e) {
              LOG.warnf(e, "job %s: progress report failed", job.jobId());
            }
          },
          1,
          1,
          TimeUnit.SECONDS);
    }

    void stopReporter() {
      if (reporter == null) {
        return;
      }
      reporter.shutdown();
      try {
        reporter.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reporter = null;
    }

    private void flushMetrics() {
      List<MetricPoint> points = drainMetrics();
      if (!points.isEmpty() && run != null) {
        try {
          tracking.logBatch(run.runId(), points, Map.of(), Map.of());
        } catch (RuntimeException e) {
          pendingMetrics.addAll(points);
          throw e;
        }
      }
    }

    private List<MetricPoint> drainMetrics() {
      List<MetricPoint> points = new ArrayList<>();
      MetricPoint p;
      while ((p = pendingMetrics.poll()) != null) {
        points.add(p);
      }
      return points;
    }

    /** Turns the fine-tuning core's callbacks into tracker updates, MLflow points and uploads. */
    private final class Listener implements TrainingListener {
      private int lastUploadedStep = mirror.latestStep();
      private Instant lastUpload = clock.instant();

      @Override
      public void onProgress(TrainingProgress p) {
        tracker.progress(p);
        metric("train_loss", p.loss(), p.step());
        metric("learning_rate", p.learningRate(), p.step());
        metric("grad_norm", p.gradientNorm(), p.step());
        metric("samples_per_second", p.samplesPerSecond(), p.step());
        metric("epoch", p.epoch(), p.step());
      }

      @Override
      public void onEvaluation(int epoch, int step, ClassificationMetrics m) {
        Map<String, Double> values = new LinkedHashMap<>();
        m.asMap().forEach((k, v) -> values.put("val_" + k, v));
        tracker.metrics(values);
        values.forEach((k, v) -> metric(k, v, step));
      }

      @Override
      public void onCheckpoint(int step, Path directory) {
        boolean due =
            step - lastUploadedStep >= settings.uploadEverySteps()
                || !clock.instant().isBefore(lastUpload.plus(settings.uploadInterval()))
                || givenUp.getAsBoolean()
                || tracker.cancelRequested();
        if (!due) {
          return;
        }
        try {
          mirror.upload(directory);
          lastUploadedStep = step;
          lastUpload = clock.instant();
          LOG.debugf("job %s: checkpoint of step %d copied to %s", job.jobId(), step, mirror.uri());
        } catch (IOException | RuntimeException e) {
          // Training goes on; a worker that dies now resumes from an older copy.
          LOG.warnf(e, "job %s: cannot copy the checkpoint of step %d", job.jobId(), step);
        }
      }

      @Override
      public boolean cancelRequested() {
        return tracker.cancelRequested() || givenUp.getAsBoolean();
      }

      private void metric(String key, double value, long step) {
        if (Double.isFinite(value)) {
          pendingMetrics.add(MetricPoint.now(key, value, step));
        }
      }
    }
  }

  private record WarmStart(String version, ObjectUri uri) {}

  private static String baseNameOf(String baseModel) {
    if (!baseModel.startsWith(ObjectUri.SCHEME)) {
      return baseModel;
    }
    String trimmed =
        baseModel.endsWith("/") ? baseModel.substring(0, baseModel.length() - 1) : baseModel;
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  private static Map<String, Double> finite(Map<String, Double> metrics) {
    Map<String, Double> out = new LinkedHashMap<>();
    metrics.forEach(
        (k, v) -> {
          if (v != null && Double.isFinite(v)) {
            out.put(k, v);
          }
        });
    return out;
  }

  private static String truncate(String s) {
    return s.length() <= 4000 ? s : s.substring(0, 4000);
  }

  private String sha256(Path file) {
    return sha256s.computeIfAbsent(
        file.toAbsolutePath(),
        f -> {
          try (InputStream in =
              new DigestInputStream(
                  Files.newInputStream(f), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
