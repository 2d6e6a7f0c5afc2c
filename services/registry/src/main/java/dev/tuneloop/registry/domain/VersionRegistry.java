package dev.tuneloop.registry.domain;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.DeployedModel;
import dev.tuneloop.events.ModelEvaluated;

/** Where model versions and aliases live (MLflow's model registry in production). */
public interface VersionRegistry {

  /**
   * Registers the candidate of a passing evaluation as a model version, or returns the version an
   * earlier delivery of the same evaluation registered (idempotent on run and source).
   */
  DeployedModel register(ModelEvaluated evaluated);

  /**
   * Makes the aliases {@code champion}, {@code challenger} and {@code previous} point where {@code
   * state} says (removing those it leaves empty) and records its last audit entry on the versions
   * concerned.
   */
  void apply(DeploymentState state);
}
