package dev.tuneloop.serving.domain;

import dev.tuneloop.events.DeploymentState.Mode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What serves a model right now: an immutable snapshot that a swap replaces as a whole.
 *
 * @param modelName the registered model
 * @param revision the deployment state's revision this snapshot applies
 * @param correlationId the loop iteration that produced the deployment state; predictions carry it
 * @param champion the champion's handle, if a champion is deployed
 * @param challenger the challenger's handle, during a rollout
 * @param mode how the challenger gets traffic
 * @param challengerWeight share of requests routed or mirrored to the challenger
 */
public record Deployment(
    String modelName,
    long revision,
    String correlationId,
    @Nullable ModelHandle champion,
    @Nullable ModelHandle challenger,
    Mode mode,
    double challengerWeight) {

  /** The handles of this snapshot (no duplicates). */
  public List<ModelHandle> handles() {
    List<ModelHandle> out = new ArrayList<>(2);
    if (champion != null) {
      out.add(champion);
    }
    if (challenger != null && challenger != champion) {
      out.add(challenger);
    }
    return out;
  }

  /** Whether any version can answer. */
  public boolean serving() {
    return champion != null || challenger != null;
  }
}
