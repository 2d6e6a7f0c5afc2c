package dev.tuneloop.events;

/**
 * Which side of a rollout a model version serves on. JSON: {@code champion}, {@code challenger}.
 */
public enum Arm {
  /** The model in production (MLflow alias {@code champion}). */
  CHAMPION,
  /** The candidate being rolled out (MLflow alias {@code challenger}). */
  CHALLENGER
}
