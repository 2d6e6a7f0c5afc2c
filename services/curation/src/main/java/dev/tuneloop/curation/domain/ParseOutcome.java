package dev.tuneloop.curation.domain;

/**
 * One record read from a batch: either a record or a rejection, never both.
 *
 * @param record the record, or null
 * @param rejection the rejection, or null
 */
public record ParseOutcome(IncomingRecord record, Rejection rejection) {

  /** A valid record. */
  public static ParseOutcome of(IncomingRecord record) {
    return new ParseOutcome(record, null);
  }

  /** A rejected record. */
  public static ParseOutcome rejected(Rejection rejection) {
    return new ParseOutcome(null, rejection);
  }

  /** Exactly one of the two is set. */
  public ParseOutcome {
    if ((record == null) == (rejection == null)) {
      throw new IllegalArgumentException("exactly one of record and rejection must be set");
    }
  }
}
