package dev.tuneloop.ml.tokenize;

/**
 * One tokenized text, unpadded.
 *
 * @param ids token ids including special tokens
 * @param typeIds token type (segment) ids, same length
 */
public record TokenIds(long[] ids, long[] typeIds) {

  /** Checks both arrays have the same, non-zero length. */
  public TokenIds {
    if (ids.length == 0 || ids.length != typeIds.length) {
      throw new IllegalArgumentException(
          "ids and typeIds must be non-empty and equally long: "
              + ids.length
              + " vs "
              + typeIds.length);
    }
  }

  /** Number of tokens. */
  public int length() {
    return ids.length;
  }
}
