package dev.tuneloop.curation.domain;

/**
 * Duplicates removed and conflicts quarantined, attributed to the split of the record they
 * duplicate.
 *
 * @param exact exact duplicates removed
 * @param near near duplicates removed
 * @param conflicts duplicates with a different label, quarantined
 */
public record DuplicateCounts(long exact, long near, long conflicts) {

  /** The sum of this and {@code other}. */
  public DuplicateCounts plus(DuplicateCounts other) {
    return new DuplicateCounts(exact + other.exact, near + other.near, conflicts + other.conflicts);
  }
}
