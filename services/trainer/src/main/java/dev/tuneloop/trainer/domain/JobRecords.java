package dev.tuneloop.trainer.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.events.EventJson;
import dev.tuneloop.events.TrainingStatus;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectConflictException;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.WriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The durable records of jobs in {@code tuneloop-models}, which make the trainer idempotent and
 * restartable without a database:
 *
 * <ul>
 *   <li>{@code <model>/jobs/<job>/status.json}: the latest status (overwritten while the job runs);
 *   <li>{@code <model>/jobs/<job>/result.json}: the terminal outcome, written once; for a succeeded
 *       job it holds the {@code model.trained} event and its id;
 *   <li>{@code <model>/jobs/<job>/published.json}: written once after Kafka acknowledged {@code
 *       model.trained};
 *   <li>{@code <model>/jobs/<job>/cancel.json}: an operator asked to cancel;
 *   <li>{@code _jobs/<job>.json}: which model a job id belongs to (for the REST API).
 * </ul>
 */
public final class JobRecords {

  private static final ObjectMapper JSON = EventJson.newObjectMapper();

  private final ObjectStore store;

  /** Records in {@code store}. */
  public JobRecords(ObjectStore store) {
    this.store = store;
  }

  /**
   * A terminal outcome.
   *
   * @param state succeeded, failed or cancelled
   * @param failure why it failed, or null
   * @param candidateUri the candidate (succeeded only)
   * @param mlflowRunId the MLflow run, if one was created
   * @param modelTrainedEventId the CloudEvents id of model.trained (succeeded only)
   * @param modelTrained the model.trained event data as JSON (succeeded only)
   * @param correlationId the correlation id of the request
   * @param finishedAt when the job ended
   */
  public record Result(
      TrainingStatus.State state,
      TrainingStatus.Failure failure,
      String candidateUri,
      String mlflowRunId,
      String modelTrainedEventId,
      JsonNode modelTrained,
      String correlationId,
      Instant finishedAt) {}

  private static String jobPrefix(String model, String jobId) {
    return model + "/jobs/" + jobId + "/";
  }

  /** Remembers which model {@code jobId} belongs to. */
  public void index(String jobId, String model) {
    try {
      store.putIfAbsent(
          Buckets.MODELS,
          "_jobs/" + jobId + ".json",
          bytes(Map.of("model_name", model, "job_id", jobId)),
          WriteOptions.contentType("application/json"));
    } catch (ObjectConflictException e) {
      // the same job id was used for another model; the first one keeps it
    }
  }

  /** The model of a job id, if known. */
  public Optional<String> modelOf(String jobId) {
    String key = "_jobs/" + jobId + ".json";
    if (!store.exists(Buckets.MODELS, key)) {
      return Optional.empty();
    }
    return Optional.of(read(key).path("model_name").asText());
  }

  /** Saves the latest status. */
  public void saveStatus(JobSnapshot snapshot) {
    store.put(
        Buckets.MODELS,
        jobPrefix(snapshot.modelName(), snapshot.jobId()) + "status.json",
        bytes(statusJson(snapshot)),
        WriteOptions.contentType("application/json"));
  }

  /** The latest saved status as the REST API shows it, if any. */
  public Optional<ObjectNode> status(String model, String jobId) {
    String key = jobPrefix(model, jobId) + "status.json";
    if (!store.exists(Buckets.MODELS, key)) {
      return Optional.empty();
    }
    return Optional.of((ObjectNode) read(key));
  }

  /** The status JSON: the event's fields plus the trainer's extras. */
  public static ObjectNode statusJson(JobSnapshot s) {
    ObjectNode node = (ObjectNode) readEvent(s);
    node.put("resumedFromStep", s.resumedFromStep());
    node.put("attempt", s.attempt());
    if (s.candidateUri() != null) {
      node.put("candidateUri", s.candidateUri());
    }
    if (s.mlflowRunId() != null) {
      node.put("mlflowRunId", s.mlflowRunId());
    }
    return node;
  }

  private static JsonNode readEvent(JobSnapshot s) {
    try {
      return JSON.readTree(EventJson.encode(s.toEvent()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many attempts the saved status counts and its run id (to continue a redelivered job). */
  public Optional<JobSnapshot> earlierAttempt(String model, String jobId) {
    return status(model, jobId)
        .map(
            n ->
                new JobSnapshot(
                    jobId,
                    model,
                    null,
                    0,
                    null,
                    0,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Map.of(),
                    null,
                    null,
                    0,
                    n.path("attempt").asInt(1),
                    null,
                    n.hasNonNull("mlflowRunId") ? n.get("mlflowRunId").asText() : null,
                    Instant.now()));
  }

  /**
   * Writes the terminal outcome once. If one is there already (another attempt finished first),
   * that one wins and is returned.
   */
  public Result saveResult(String model, String jobId, Result result) {
    String key = jobPrefix(model, jobId) + "result.json";
    try {
      store.putIfAbsent(
          Buckets.MODELS, key, bytes(result), WriteOptions.contentType("application/json"));
      return result;
    } catch (ObjectConflictException e) {
      return result(model, jobId).orElseThrow(() -> e);
    }
  }

  /** The terminal outcome, if the job ended. */
  public Optional<Result> result(String model, String jobId) {
    String key = jobPrefix(model, jobId) + "result.json";
    if (!store.exists(Buckets.MODELS, key)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.treeToValue(read(key), Result.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records that model.trained was acknowledged by Kafka. */
  public void markPublished(String model, String jobId, String eventId) {
    try {
      store.putIfAbsent(
          Buckets.MODELS,
          jobPrefix(model, jobId) + "published.json",
          bytes(Map.of("event_id", eventId)),
          WriteOptions.contentType("application/json"));
    } catch (ObjectConflictException e) {
      // already recorded
    }
  }

  /** Whether model.trained was acknowledged. */
  public boolean published(String model, String jobId) {
    return store.exists(Buckets.MODELS, jobPrefix(model, jobId) + "published.json");
  }

  /** Records a cancel request. */
  public void requestCancel(String model, String jobId) {
    store.put(
        Buckets.MODELS,
        jobPrefix(model, jobId) + "cancel.json",
        bytes(Map.of("requested_at", Instant.now().toString())),
        WriteOptions.contentType("application/json"));
  }

  /** Whether a cancel was requested. */
  public boolean cancelRequested(String model, String jobId) {
    return store.exists(Buckets.MODELS, jobPrefix(model, jobId) + "cancel.json");
  }

  private JsonNode read(String key) {
    try {
      return JSON.readTree(store.getBytes(Buckets.MODELS, key, ObjectStore.MAX_JSON_BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + key, e);
    }
  }

  private static byte[] bytes(Object document) {
    try {
      return JSON.writeValueAsString(document).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
