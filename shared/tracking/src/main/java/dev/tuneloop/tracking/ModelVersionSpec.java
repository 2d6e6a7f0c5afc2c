package dev.tuneloop.tracking;

import java.util.Map;
import java.util.Objects;

/**
 * What a new model version is made of.
 *
 * @param modelName the registered model it belongs to
 * @param source where its files are, e.g. {@code run.artifactUri() + "/model"} or an {@code s3://}
 *     URI
 * @param runId the run that produced it, or {@code null}
 * @param description its description, or {@code ""}
 * @param tags its tags
 */
public record ModelVersionSpec(
    String modelName, String source, String runId, String description, Map<String, String> tags) {

  /** Checks the values as MLflow would. */
  public ModelVersionSpec {
    MlflowLimits.checkModelName(modelName);
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("model version of '" + modelName + "' needs a source URI");
    }
    if (runId != null) {
      MlflowLimits.checkRunId(runId);
    }
    description = Objects.requireNonNullElse(description, "");
    tags = Map.copyOf(tags);
    tags.forEach(MlflowLimits::checkRegistryTag);
  }

  /** A version of {@code modelName} from {@code source}, produced by run {@code runId}. */
  public static ModelVersionSpec of(String modelName, String source, String runId) {
    return new ModelVersionSpec(modelName, source, runId, "", Map.of());
  }

  /** The same spec with a description. */
  public ModelVersionSpec withDescription(String text) {
    return new ModelVersionSpec(modelName, source, runId, text, tags);
  }

  /** The same spec with tags. */
  public ModelVersionSpec withTags(Map<String, String> newTags) {
    return new ModelVersionSpec(modelName, source, runId, description, newTags);
  }
}
