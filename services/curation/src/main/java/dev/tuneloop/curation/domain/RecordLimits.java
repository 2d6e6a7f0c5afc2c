package dev.tuneloop.curation.domain;

/**
 * Size limits applied while reading a batch.
 *
 * @param maxLineBytes longest accepted line (NDJSON) or row (CSV) in bytes
 * @param maxTextChars longest accepted {@code text} in characters
 */
public record RecordLimits(int maxLineBytes, int maxTextChars) {

  /** 1 MiB lines, 100,000-character texts. */
  public static final RecordLimits DEFAULT = new RecordLimits(1024 * 1024, 100_000);

  /** Checks the limits are positive. */
  public RecordLimits {
    if (maxLineBytes <= 0 || maxTextChars <= 0) {
      throw new IllegalArgumentException("record limits must be positive");
    }
  }
}
