package dev.tuneloop.registry.domain;

/** What the registry did with a {@code model.evaluated} event. */
public enum IntakeResult {
  /** The model is not handled by this registry (model filter). */
  NOT_MINE,
  /** The verdict was fail: nothing registered. */
  FAILED_VERDICT,
  /** The event or its candidate was seen before: nothing changed. */
  DUPLICATE,
  /** The first version of the model became champion. */
  FIRST_CHAMPION,
  /** A rollout started. */
  STARTED,
  /** A rollout runs: the candidate waits in the queue. */
  QUEUED,
  /** A rollout ran: the candidate replaced its challenger. */
  REPLACED
}
