package dev.tuneloop.tracking;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.mlflow.api.proto.Service;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;

/**
 * Experiments and runs: create, log params, metrics and tags, end, read and search. Talks to MLflow
 * through {@code org.mlflow:mlflow-client} (never its artifact methods, which start Python; see
 * {@link ArtifactClient}).
 *
 * <p>Keys and values are checked against {@link MlflowLimits} before anything is sent. Transient
 * failures are retried by the {@link Retrier}; MLflow's refusals surface as {@link
 * MlflowApiException}. Thread-safe.
 */
public final class TrackingClient {

  private static final int SEARCH_PAGE_SIZE = 1000;
  private static final String DELETED = "deleted";

  private final MlflowClient client;
  private final Retrier retrier;
  private final String serverUri;
  private final LogBatchSplitter splitter = new LogBatchSplitter();

  TrackingClient(MlflowClient client, Retrier retrier, String serverUri) {
    this.client = client;
    this.retrier = retrier;
    this.serverUri = serverUri;
  }

  /**
   * The id of the experiment called {@code name}, creating it if it does not exist. Safe when
   * several processes do this at once: the loser of the race finds the winner's experiment.
   *
   * @throws TrackingException if an experiment of that name exists but was deleted (MLflow keeps
   *     the name until it is purged)
   */
  public String getOrCreateExperiment(String name) {
    MlflowLimits.checkExperimentName(name);
    Optional<String> existing = findExperimentId(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    try {
      return call("create experiment '" + name + "'", () -> client.createExperiment(name));
    } catch (MlflowApiException e) {
      if (!e.hasErrorCode(MlflowApiException.RESOURCE_ALREADY_EXISTS)) {
        throw e;
      }
      // Another process created it between our lookup and our create (or a retried create had
      // already succeeded): theirs is the one.
      return findExperimentId(name)
          .orElseThrow(
              () ->
                  new TrackingException(
                      "MLflow reported experiment '"
                          + name
                          + "' as existing but returned none by that name",
                      e));
    }
  }

  /**
   * The id of the active experiment called {@code name}, if any.
   *
   * @throws TrackingException if the experiment exists but was deleted
   */
  public Optional<String> findExperimentId(String name) {
    MlflowLimits.checkExperimentName(name);
    Optional<Experiment> found =
        call("get experiment '" + name + "'", () -> client.getExperimentByName(name));
    if (found.isPresent() && DELETED.equals(found.get().getLifecycleStage())) {
      String id = found.get().getExperimentId();
      throw new TrackingException(
          "MLflow experiment '"
              + name
              + "' (id "
              + id
              + ") is deleted but still holds its name: restore it (mlflow experiments restore"
              + " --experiment-id "
              + id
              + ") or purge it (mlflow gc --experiment-ids "
              + id
              + "), then try again");
    }
    return found.map(Experiment::getExperimentId);
  }

  /**
   * Starts a run.
   *
   * @param experimentId the experiment, from {@link #getOrCreateExperiment(String)}
   * @param runName the run's name (shown in the MLflow UI)
   * @param tags tags to set at creation, e.g. the job id that later finds the run again
   * @return the new run, {@link RunStatus#RUNNING}
   */
  public TrackedRun startRun(String experimentId, String runName, Map<String, String> tags) {
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(runName, "runName");
    checkTags(tags);
    long startTime = System.currentTimeMillis();
    CreateRun.Builder request =
        CreateRun.newBuilder()
            .setExperimentId(experimentId)
            .setRunName(runName)
            .setStartTime(startTime);
    tags.forEach((key, value) -> request.addTags(tag(key, value)));
    RunInfo info =
        call(
            "create run '" + runName + "' in experiment " + experimentId,
            () -> client.createRun(request.build()));
    Map<String, String> allTags = new HashMap<>(tags);
    allTags.put("mlflow.runName", info.getRunName());
    return toRun(info, Map.of(), Map.of(), allTags);
  }

  /** Logs params (each key at most once per run; logging the same value again is harmless). */
  public void logParams(String runId, Map<String, String> params) {
    logBatch(runId, List.of(), params, Map.of());
  }

  /** Logs one param. */
  public void logParam(String runId, String key, String value) {
    logParams(runId, Map.of(key, value));
  }

  /** Logs metric values, in as many requests as MLflow's batch limits need. */
  public void logMetrics(String runId, Collection<MetricPoint> metrics) {
    logBatch(runId, metrics, Map.of(), Map.of());
  }

  /** Logs one metric value measured now. */
  public void logMetric(String runId, String key, double value, long step) {
    logMetrics(runId, List.of(MetricPoint.now(key, value, step)));
  }

  /** Sets tags (a tag set again is overwritten). */
  public void setTags(String runId, Map<String, String> tags) {
    logBatch(runId, List.of(), Map.of(), tags);
  }

  /** Sets one tag. */
  public void setTag(String runId, String key, String value) {
    setTags(runId, Map.of(key, value));
  }

  /**
   * Logs metrics, params and tags, split into requests within MLflow's limits (see {@link
   * LogBatchSplitter}). Everything is checked before the first request, so an invalid key fails the
   * call without logging anything. If a later request fails, the earlier ones stay logged; calling
   * again with the same content is safe (params and tags are idempotent, metric points are
   * de-duplicated by MLflow on key, value, timestamp and step).
   *
   * @return the number of requests sent
   */
  public int logBatch(
      String runId,
      Collection<MetricPoint> metrics,
      Map<String, String> params,
      Map<String, String> tags) {
    MlflowLimits.checkRunId(runId);
    Objects.requireNonNull(metrics, "metrics");
    params.forEach(
        (key, value) -> {
          MlflowLimits.checkKey("param", key);
          MlflowLimits.checkParamValue(key, value);
        });
    checkTags(tags);
    List<LogBatchSplitter.Batch> batches = splitter.split(metrics, params, tags);
    for (int i = 0; i < batches.size(); i++) {
      LogBatchSplitter.Batch batch = batches.get(i);
      List<Metric> protoMetrics = new ArrayList<>(batch.metrics().size());
      for (MetricPoint m : batch.metrics()) {
        protoMetrics.add(
            Metric.newBuilder()
                .setKey(m.key())
                .setValue(m.value())
                .setTimestamp(m.timestampMillis())
                .setStep(m.step())
                .build());
      }
      List<Param> protoParams = new ArrayList<>(batch.params().size());
      batch
          .params()
          .forEach(
              p ->
                  protoParams.add(
                      Param.newBuilder().setKey(p.getKey()).setValue(p.getValue()).build()));
      List<RunTag> protoTags = new ArrayList<>(batch.tags().size());
      batch.tags().forEach(t -> protoTags.add(tag(t.getKey(), t.getValue())));
      String operation =
          String.format(
              "log batch %d/%d (%d metrics, %d params, %d tags) to run %s",
              i + 1,
              batches.size(),
              protoMetrics.size(),
              protoParams.size(),
              protoTags.size(),
              runId);
      call(
          operation,
          () -> {
            client.logBatch(runId, protoMetrics, protoParams, protoTags);
            return null;
          });
    }
    return batches.size();
  }

  /**
   * Ends a run.
   *
   * @param status {@link RunStatus#FINISHED}, {@link RunStatus#FAILED} or {@link RunStatus#KILLED}
   */
  public void endRun(String runId, RunStatus status) {
    MlflowLimits.checkRunId(runId);
    if (status == null || !status.isTerminal()) {
      throw new IllegalArgumentException("a run ends as FINISHED, FAILED or KILLED, not " + status);
    }
    long endTime = System.currentTimeMillis();
    call(
        "end run " + runId + " as " + status,
        () -> {
          client.setTerminated(runId, Service.RunStatus.valueOf(status.name()), endTime);
          return null;
        });
  }

  /**
   * The run with its params, latest metrics and tags.
   *
   * @throws MlflowApiException with {@link MlflowApiException#RESOURCE_DOES_NOT_EXIST} if there is
   *     no such run
   */
  public TrackedRun getRun(String runId) {
    MlflowLimits.checkRunId(runId);
    return toRun(call("get run " + runId, () -> client.getRun(runId)));
  }

  /** The run, or empty if MLflow has none with this id. */
  public Optional<TrackedRun> findRun(String runId) {
    try {
      return Optional.of(getRun(runId));
    } catch (MlflowApiException e) {
      if (e.hasErrorCode(MlflowApiException.RESOURCE_DOES_NOT_EXIST)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * The active runs of an experiment that carry tag {@code key} = {@code value}, newest first; this
   * is how a redelivered job finds the run it already started.
   */
  public List<TrackedRun> findRunsByTag(String experimentId, String key, String value) {
    MlflowLimits.checkKey("tag", key);
    MlflowLimits.checkTagValue(key, value);
    return searchRuns(
        List.of(experimentId), "tags.`" + key + "` = " + quote(value), Integer.MAX_VALUE);
  }

  /**
   * Active runs matching an MLflow search filter (e.g. {@code params.strategy = 'lora'}), newest
   * first, reading as many pages as needed for up to {@code maxResults} runs.
   */
  public List<TrackedRun> searchRuns(List<String> experimentIds, String filter, int maxResults) {
    if (experimentIds.isEmpty()) {
      throw new IllegalArgumentException("search runs needs at least one experiment id");
    }
    if (maxResults < 1) {
      throw new IllegalArgumentException("maxResults must be positive, got " + maxResults);
    }
    List<TrackedRun> runs = new ArrayList<>();
    String pageToken = null;
    do {
      int pageSize = Math.min(SEARCH_PAGE_SIZE, maxResults - runs.size());
      String token = pageToken;
      RunsPage page =
          call(
              "search runs in experiments " + experimentIds + " where " + filter,
              () ->
                  client.searchRuns(
                      experimentIds,
                      filter,
                      ViewType.ACTIVE_ONLY,
                      pageSize,
                      List.of("attributes.start_time DESC"),
                      token));
      page.getItems().forEach(run -> runs.add(toRun(run)));
      pageToken = page.getNextPageToken().filter(t -> !t.isEmpty()).orElse(null);
    } while (pageToken != null && runs.size() < maxResults);
    return runs;
  }

  /** Every logged value of metric {@code key} of a run (MLflow returns up to 25,000 points). */
  public List<MetricPoint> getMetricHistory(String runId, String key) {
    MlflowLimits.checkRunId(runId);
    MlflowLimits.checkKey("metric", key);
    List<Metric> history =
        call(
            "get history of metric '" + key + "' of run " + runId,
            () -> client.getMetricHistory(runId, key));
    List<MetricPoint> points = new ArrayList<>(history.size());
    for (Metric m : history) {
      points.add(new MetricPoint(m.getKey(), m.getValue(), m.getTimestamp(), m.getStep()));
    }
    return points;
  }

  /**
   * Quotes a value for an MLflow search filter. MLflow's filter grammar has no escape for a quote
   * inside a string, so the value is wrapped in the quote character it does not contain.
   */
  static String quote(String value) {
    if (!value.contains("'")) {
      return "'" + value + "'";
    }
    if (!value.contains("\"")) {
      return "\"" + value + "\"";
    }
    throw new IllegalArgumentException(
        "cannot search for a value that contains both ' and \": " + value);
  }

  private <T> T call(String operation, Supplier<T> call) {
    return retrier.call(operation, () -> translate(operation, call));
  }

  /** Turns the Java client's exceptions into this module's. */
  private <T> T translate(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (MlflowHttpException e) {
      throw MlflowErrorBody.parse(e.getBodyMessage()).toException(operation, e.getStatusCode());
    } catch (MlflowClientException e) {
      if (e.getCause() instanceof IOException io) {
        throw new TrackingUnavailableException(
            "Could not reach MLflow at " + serverUri + " to " + operation + ": " + io, 1, e);
      }
      throw new TrackingException("MLflow " + operation + " failed: " + e.getMessage(), e);
    }
  }

  private static void checkTags(Map<String, String> tags) {
    tags.forEach(
        (key, value) -> {
          MlflowLimits.checkKey("tag", key);
          MlflowLimits.checkTagValue(key, value);
        });
  }

  private static RunTag tag(String key, String value) {
    return RunTag.newBuilder().setKey(key).setValue(value).build();
  }

  private static TrackedRun toRun(Run run) {
    Map<String, String> params = new LinkedHashMap<>();
    run.getData().getParamsList().forEach(p -> params.put(p.getKey(), p.getValue()));
    Map<String, Double> metrics = new LinkedHashMap<>();
    run.getData().getMetricsList().forEach(m -> metrics.put(m.getKey(), m.getValue()));
    Map<String, String> tags = new LinkedHashMap<>();
    run.getData().getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
    return toRun(run.getInfo(), params, metrics, tags);
  }

  private static TrackedRun toRun(
      RunInfo info,
      Map<String, String> params,
      Map<String, Double> metrics,
      Map<String, String> tags) {
    return new TrackedRun(
        info.getRunId(),
        info.getExperimentId(),
        info.getRunName(),
        RunStatus.valueOf(info.getStatus().name()),
        info.getArtifactUri(),
        info.getStartTime(),
        info.hasEndTime() && info.getEndTime() > 0
            ? Optional.of(info.getEndTime())
            : Optional.empty(),
        params,
        metrics,
        tags);
  }
}
