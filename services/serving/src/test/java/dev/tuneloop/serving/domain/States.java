package dev.tuneloop.serving.domain;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.DeployedModel;
import dev.tuneloop.events.DeploymentState.Mode;
import dev.tuneloop.events.DeploymentState.Phase;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Deployment states for tests. */
final class States {

  private States() {}

  static DeployedModel version(String version) {
    return new DeployedModel(version, "s3://tuneloop-models/m/candidates/" + version + "/", null);
  }

  static DeploymentState state(
      String model,
      long revision,
      @Nullable String champion,
      @Nullable String challenger,
      Mode mode,
      double weight) {
    boolean rollout = challenger != null;
    return new DeploymentState(
        model,
        revision,
        champion == null ? null : version(champion),
        challenger == null ? null : version(challenger),
        null,
        rollout ? Phase.CANARY : Phase.IDLE,
        mode,
        weight,
        rollout ? List.of(weight) : List.of(),
        rollout ? 0 : null,
        null,
        List.of(),
        Instant.now());
  }
}
