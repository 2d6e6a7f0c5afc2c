package dev.tuneloop.registry.api;

/**
 * The body of a rollout command.
 *
 * @param reason why, in the operator's words (required; written to the audit trail)
 */
public record OperatorCommand(String reason) {}
