package dev.tuneloop.registry.messaging;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.AuditEntry;
import dev.tuneloop.events.DeploymentState.DeployedModel;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.registry.domain.VersionRegistry;
import dev.tuneloop.tracking.ModelRegistryClient;
import dev.tuneloop.tracking.ModelVersion;
import dev.tuneloop.tracking.ModelVersionSpec;
import dev.tuneloop.tracking.TrackedRun;
import dev.tuneloop.tracking.TrackingClient;
import dev.tuneloop.tracking.quarkus.TrackingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@link VersionRegistry} on MLflow's model registry: registered model = model name, one version
 * per passing candidate (source = candidate URI, run = training run, tags: job, dataset, verdict,
 * key metrics, links), aliases {@code champion}, {@code challenger}, {@code previous}, and an audit
 * tag {@code tuneloop.audit.r<revision>} per change on the version concerned.
 */
@ApplicationScoped
public class MlflowVersionRegistry implements VersionRegistry {

  /** Aliases the registry keeps consistent with the deployment state. */
  public static final String CHAMPION = "champion";

  /** See {@link #CHAMPION}. */
  public static final String CHALLENGER = "challenger";

  /** See {@link #CHAMPION}. */
  public static final String PREVIOUS = "previous";

  private static final int MAX_METRIC_TAGS = 40;
  private static final Pattern CANDIDATE_URI = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://\\S+");

  private final ModelRegistryClient registry;
  private final TrackingClient tracking;
  private final String trackingUri;

  MlflowVersionRegistry(
      ModelRegistryClient registry, TrackingClient tracking, TrackingConfig trackingConfig) {
    this.registry = registry;
    this.tracking = tracking;
    this.trackingUri = trackingConfig.uri().replaceAll("/+$", "");
  }

  @Override
  public DeployedModel register(ModelEvaluated e) {
    if (!CANDIDATE_URI.matcher(e.candidateUri()).matches()) {
      throw new IllegalArgumentException(
          "candidateUri must be an absolute URI like s3://tuneloop-models/<model>/candidates/<job>/,"
              + " was '"
              + e.candidateUri()
              + "'");
    }
    // The version links to the training run; a verdict naming a run MLflow does not know would
    // make a version without lineage.
    TrackedRun run =
        tracking
            .findRun(e.candidateRunId())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "candidate run "
                            + e.candidateRunId()
                            + " of job "
                            + e.jobId()
                            + " does not exist in MLflow"));
    registry.getOrCreateRegisteredModel(
        e.modelName(),
        "tuneloop model " + e.modelName() + ", rolled out by the registry",
        Map.of("tuneloop.managed_by", "registry"));
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("tuneloop.job_id", e.jobId());
    tags.put("tuneloop.dataset", e.dataset());
    tags.put("tuneloop.dataset_version", Integer.toString(e.datasetVersion()));
    tags.put("tuneloop.verdict", e.verdict().name().toLowerCase(Locale.ROOT));
    tags.put("tuneloop.evaluation_run_id", e.evaluationRunId());
    tags.put("tuneloop.candidate_uri", e.candidateUri());
    if (e.championVersion() != null) {
      tags.put("tuneloop.compared_to_version", e.championVersion());
    }
    if (e.override() != null) {
      tags.put(
          "tuneloop.override",
          e.override().operator() + " at " + e.override().at() + ": " + e.override().reason());
    }
    tags.put(
        "tuneloop.run_link",
        trackingUri + "/#/experiments/" + run.experimentId() + "/runs/" + run.runId());
    e.candidateMetrics().entrySet().stream()
        .limit(MAX_METRIC_TAGS)
        .forEach(m -> tags.put("tuneloop.metric." + tagKey(m.getKey()), m.getValue().toString()));
    ModelVersion version =
        registry.getOrCreateModelVersion(
            new ModelVersionSpec(
                e.modelName(),
                e.candidateUri(),
                e.candidateRunId(),
                "Candidate of training job "
                    + e.jobId()
                    + " on "
                    + e.dataset()
                    + " v"
                    + e.datasetVersion()
                    + "; evaluation run "
                    + e.evaluationRunId()
                    + ": "
                    + e.verdict().name().toLowerCase(Locale.ROOT),
                tags));
    return new DeployedModel(
        version.version(), version.source(), version.runId().isEmpty() ? null : version.runId());
  }

  @Override
  public void apply(DeploymentState state) {
    String model = state.modelName();
    alias(model, CHAMPION, state.champion());
    alias(model, CHALLENGER, state.challenger());
    alias(model, PREVIOUS, state.previous());
    if (state.history().isEmpty()) {
      return;
    }
    AuditEntry last = state.history().get(state.history().size() - 1);
    String version =
        last.challengerVersion() != null
            ? last.challengerVersion()
            : state.champion() == null ? null : state.champion().version();
    String audit =
        last.action().name().toLowerCase(Locale.ROOT)
            + " by "
            + last.actor()
            + " at "
            + last.at()
            + " ("
            + last.fromPhase().name().toLowerCase(Locale.ROOT)
            + " -> "
            + last.toPhase().name().toLowerCase(Locale.ROOT)
            + "): "
            + last.reason();
    if (version != null) {
      registry.setModelVersionTag(model, version, "tuneloop.audit.r" + state.revision(), audit);
      registry.setModelVersionTag(model, version, "tuneloop.rollout.last_action", audit);
    }
    registry.setRegisteredModelTag(
        model, "tuneloop.rollout.phase", state.phase().name().toLowerCase(Locale.ROOT));
    registry.setRegisteredModelTag(model, "tuneloop.rollout.last_action", audit);
  }

  private void alias(String model, String alias, DeployedModel target) {
    if (target == null) {
      registry.deleteAlias(model, alias);
    } else {
      registry.setAlias(model, alias, target.version());
    }
  }

  /** MLflow tag keys allow letters, digits, {@code _ - . / :} and spaces. */
  static String tagKey(String name) {
    return name.replaceAll("[^\\w.\\- /:]", "_");
  }
}
