package dev.tuneloop.tracking;

import java.util.List;
import java.util.Map;

/**
 * A version of a registered model.
 *
 * @param name the registered model's name
 * @param version the version number as MLflow returns it, e.g. {@code "3"}
 * @param source where the model's files are, e.g. the run's {@code mlflow-artifacts:/...} URI
 * @param runId the run that produced it, empty if none
 * @param status MLflow's registration status ({@code READY}, {@code PENDING_REGISTRATION}, {@code
 *     FAILED_REGISTRATION})
 * @param description its description, empty if none
 * @param creationTimestamp when it was created, in milliseconds since the epoch
 * @param tags its tags
 * @param aliases the aliases pointing to it (MLflow fills these in single-version reads, not in
 *     searches)
 */
public record ModelVersion(
    String name,
    String version,
    String source,
    String runId,
    String status,
    String description,
    long creationTimestamp,
    Map<String, String> tags,
    List<String> aliases) {

  /** Copies the collections so the record stays immutable. */
  public ModelVersion {
    tags = Map.copyOf(tags);
    aliases = List.copyOf(aliases);
  }

  /** The version as a number, for ordering. */
  public long number() {
    return Long.parseLong(version);
  }
}
