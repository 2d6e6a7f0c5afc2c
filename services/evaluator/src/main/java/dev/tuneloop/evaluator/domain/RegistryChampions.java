package dev.tuneloop.evaluator.domain;

import dev.tuneloop.tracking.ModelRegistryClient;
import dev.tuneloop.tracking.ModelVersion;
import java.util.Optional;

/**
 * The champion is the model version MLflow alias {@code champion} points to; its artifact folder is
 * the version's {@code source} when that is an {@code s3://} URI (as the registry registers
 * candidates), else the version's {@code tuneloop.candidate_uri} tag.
 */
public final class RegistryChampions implements CandidateEvaluator.ChampionFinder {

  /** The alias of the model in production. */
  public static final String ALIAS = "champion";

  /** Model version tag naming the artifact folder when the source is not an s3:// URI. */
  public static final String CANDIDATE_URI_TAG = "tuneloop.candidate_uri";

  private final ModelRegistryClient registry;

  /**
   * @param registry MLflow's model registry
   */
  public RegistryChampions(ModelRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public Optional<CandidateEvaluator.ChampionRef> champion(String model) {
    Optional<ModelVersion> version = registry.getVersionByAlias(model, ALIAS);
    if (version.isEmpty()) {
      return Optional.empty();
    }
    ModelVersion v = version.get();
    String uri =
        v.source().startsWith("s3://") ? v.source() : v.tags().getOrDefault(CANDIDATE_URI_TAG, "");
    if (uri.isBlank()) {
      throw new IllegalStateException(
          "champion "
              + model
              + " version "
              + v.version()
              + " has source "
              + v.source()
              + ", not an s3:// model folder, and no "
              + CANDIDATE_URI_TAG
              + " tag");
    }
    return Optional.of(new CandidateEvaluator.ChampionRef(v.version(), uri));
  }
}
