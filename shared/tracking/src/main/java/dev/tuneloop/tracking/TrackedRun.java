package dev.tuneloop.tracking;

import java.util.Map;
import java.util.Optional;

/**
 * An MLflow run as the server reports it.
 *
 * @param runId the run's id
 * @param experimentId the experiment it belongs to
 * @param runName its name
 * @param status its lifecycle state
 * @param artifactUri where its artifacts live, e.g. {@code mlflow-artifacts:/1/<run>/artifacts}
 * @param startTimeMillis when it started, in milliseconds since the epoch
 * @param endTimeMillis when it ended, if it has
 * @param params its params
 * @param latestMetrics the latest value of each metric (at its largest step)
 * @param tags its tags, including MLflow's own ({@code mlflow.*})
 */
public record TrackedRun(
    String runId,
    String experimentId,
    String runName,
    RunStatus status,
    String artifactUri,
    long startTimeMillis,
    Optional<Long> endTimeMillis,
    Map<String, String> params,
    Map<String, Double> latestMetrics,
    Map<String, String> tags) {

  /** Copies the maps so the record stays immutable. */
  public TrackedRun {
    params = Map.copyOf(params);
    latestMetrics = Map.copyOf(latestMetrics);
    tags = Map.copyOf(tags);
  }

  /** The value of tag {@code key}, if set. */
  public Optional<String> tag(String key) {
    return Optional.ofNullable(tags.get(key));
  }
}
