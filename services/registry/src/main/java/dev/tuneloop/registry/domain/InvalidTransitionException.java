package dev.tuneloop.registry.domain;

/** A rollout change that the current phase does not allow (REST: 409). */
public class InvalidTransitionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With the reason, naming the phase. */
  public InvalidTransitionException(String message) {
    super(message);
  }
}
