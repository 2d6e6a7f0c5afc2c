package dev.tuneloop.tracking;

/** The lifecycle state of an MLflow run. */
public enum RunStatus {
  /** Started and not yet ended. */
  RUNNING,
  /** Created for later execution. */
  SCHEDULED,
  /** Ended successfully. */
  FINISHED,
  /** Ended with an error. */
  FAILED,
  /** Stopped on purpose before it finished (e.g. a cancelled job). */
  KILLED;

  /** Whether the run has ended. */
  public boolean isTerminal() {
    return this == FINISHED || this == FAILED || this == KILLED;
  }
}
