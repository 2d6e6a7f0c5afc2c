package dev.tuneloop.evaluator.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.events.EventJson;
import dev.tuneloop.events.ModelTrained;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The evaluator's state, kept in the object store next to the candidates (no database): under
 * {@code s3://tuneloop-models/<model>/evaluations/<jobId>/}
 *
 * <ul>
 *   <li>{@code request.json}: the {@code model.trained} event, written before it is acknowledged,
 *       so an evaluation interrupted by a restart is redone;
 *   <li>{@code report.json}, {@code report.html}: the outcome; its presence makes a repeated {@code
 *       model.trained} a no-op (one verdict per model and job);
 *   <li>{@code published.json}: which state of the report was published, so a verdict written but
 *       not yet published is published at the next chance.
 * </ul>
 */
public final class EvaluationStore {

  /** Folder name of evaluations below a model's folder. */
  public static final String FOLDER = "evaluations/";

  private static final int MAX_REPORT_BYTES = 64 << 20;
  private static final ObjectMapper JSON = EventJson.newObjectMapper();

  private final ObjectStore store;

  /**
   * @param store the object store holding {@link Buckets#MODELS}
   */
  public EvaluationStore(ObjectStore store) {
    this.store = store;
  }

  /**
   * A received {@code model.trained} event and its CloudEvents identity.
   *
   * @param event the event
   * @param eventId its {@code ce_id}
   * @param correlationId its correlation id
   * @param receivedAt when the evaluator took it
   */
  public record Request(
      ModelTrained event, String eventId, String correlationId, Instant receivedAt) {}

  /**
   * What was published last.
   *
   * @param evaluatedAt the {@link EvaluationReport#evaluatedAt()} of the published report state
   * @param publishedAt when
   */
  public record Published(Instant evaluatedAt, Instant publishedAt) {}

  /** The folder of one evaluation. */
  public static String folder(String model, String jobId) {
    return model + "/" + FOLDER + jobId + "/";
  }

  /** {@code s3://} URI of a report. */
  public static String reportUri(String model, String jobId) {
    return "s3://" + Buckets.MODELS + "/" + folder(model, jobId) + "report.json";
  }

  /** Records a request (overwriting an earlier copy of the same job's request is harmless). */
  public void saveRequest(Request request) {
    put(folder(request.event().modelName(), request.event().jobId()) + "request.json", request);
  }

  /** The request of a job, if one was recorded. */
  public Optional<Request> request(String model, String jobId) {
    return get(folder(model, jobId) + "request.json", Request.class);
  }

  /** The report of a job, if it was evaluated. */
  public Optional<EvaluationReport> report(String model, String jobId) {
    String key = folder(model, jobId) + "report.json";
    if (!store.exists(Buckets.MODELS, key)) {
      return Optional.empty();
    }
    return Optional.of(
        EvaluationReport.fromJson(store.getBytes(Buckets.MODELS, key, MAX_REPORT_BYTES)));
  }

  /** Writes (or replaces) the report and its HTML page. */
  public void saveReport(EvaluationReport report, String html) {
    String folder = folder(report.modelName(), report.jobId());
    store.put(Buckets.MODELS, folder + "report.html", html.getBytes(StandardCharsets.UTF_8));
    store.put(Buckets.MODELS, folder + "report.json", report.toJson());
  }

  /** The HTML page of a job's report, if it exists. */
  public Optional<String> html(String model, String jobId) {
    String key = folder(model, jobId) + "report.html";
    if (!store.exists(Buckets.MODELS, key)) {
      return Optional.empty();
    }
    return Optional.of(
        new String(store.getBytes(Buckets.MODELS, key, MAX_REPORT_BYTES), StandardCharsets.UTF_8));
  }

  /** Whether this state of the report (by its {@code evaluatedAt}) was published. */
  public boolean isPublished(EvaluationReport report) {
    return get(folder(report.modelName(), report.jobId()) + "published.json", Published.class)
        .map(p -> p.evaluatedAt().equals(report.evaluatedAt()))
        .orElse(false);
  }

  /** Records that this state of the report was published. */
  public void markPublished(EvaluationReport report) {
    put(
        folder(report.modelName(), report.jobId()) + "published.json",
        new Published(report.evaluatedAt(), Instant.now()));
  }

  /** Requests with no report or an unpublished one: work left over from an interrupted run. */
  public List<Request> unfinished() {
    List<Request> out = new ArrayList<>();
    for (String modelPrefix : store.listPrefixes(Buckets.MODELS, "")) {
      for (String jobPrefix : store.listPrefixes(Buckets.MODELS, modelPrefix + FOLDER)) {
        if (!store.exists(Buckets.MODELS, jobPrefix + "request.json")) {
          continue;
        }
        boolean done =
            store.exists(Buckets.MODELS, jobPrefix + "report.json")
                && store.exists(Buckets.MODELS, jobPrefix + "published.json");
        if (!done) {
          get(jobPrefix + "request.json", Request.class).ifPresent(out::add);
        }
      }
    }
    return out;
  }

  private void put(String key, Object document) {
    try {
      store.put(Buckets.MODELS, key, JSON.writeValueAsBytes(document));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + key, e);
    }
  }

  private <T> Optional<T> get(String key, Class<T> type) {
    if (!store.exists(Buckets.MODELS, key)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          JSON.readValue(store.getBytes(Buckets.MODELS, key, MAX_REPORT_BYTES), type));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + key + ": " + e.getMessage(), e);
    }
  }
}
