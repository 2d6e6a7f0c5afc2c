package dev.tuneloop.evaluator.api;

/**
 * Body of a forced pass.
 *
 * @param operator who forces it (1-200 characters)
 * @param reason why (1-2000 characters); recorded in MLflow and in the event
 */
public record OverrideRequest(String operator, String reason) {}
