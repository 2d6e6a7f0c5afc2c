package dev.tuneloop.curation.domain;

import java.util.Locale;

/** Why a record was rejected or quarantined; its {@link #code()} is what users see. */
public enum RejectionReason {
  /** The line is not valid JSON. */
  MALFORMED_JSON,
  /** The CSV row cannot be parsed (unterminated quote, wrong number of columns). */
  MALFORMED_CSV,
  /** The bytes of the line are not valid UTF-8. */
  INVALID_UTF8,
  /** The line is longer than the configured limit. */
  LINE_TOO_LONG,
  /** The JSON value is not an object. */
  NOT_AN_OBJECT,
  /** No {@code id}. */
  MISSING_ID,
  /** The {@code id} is not a non-empty string or number of at most 256 characters. */
  INVALID_ID,
  /** No {@code text}. */
  MISSING_TEXT,
  /** The {@code text} is not a string. */
  INVALID_TEXT,
  /** The {@code text} is empty or only whitespace. */
  EMPTY_TEXT,
  /** The {@code text} is longer than the configured limit. */
  TEXT_TOO_LONG,
  /** Neither {@code label} nor {@code annotations}. */
  MISSING_LABEL,
  /** Both {@code label} and {@code annotations}. */
  AMBIGUOUS_LABEL,
  /** The {@code label} is not a non-empty string. */
  INVALID_LABEL,
  /**
   * {@code annotations} is not a non-empty array of {annotator, label} objects, one per annotator.
   */
  INVALID_ANNOTATIONS,
  /** {@code meta} is not an object or {@code source} is not a string. */
  INVALID_FIELD,
  /** The label is not in the dataset's label set. */
  UNKNOWN_LABEL,
  /** The id occurs earlier in the same batch. */
  DUPLICATE_ID,
  /** The id is already in the dataset with a different text. */
  ID_CONFLICT,
  /** The annotators agree less than the agreement threshold (or tie). */
  LOW_AGREEMENT,
  /** Exact or near duplicates carry different labels. */
  LABEL_CONFLICT,
  /** Same normalized text as a kept record. */
  EXACT_DUPLICATE,
  /** Jaccard similarity at or above the threshold with a kept record. */
  NEAR_DUPLICATE;

  /** The reason code, e.g. {@code missing_text}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
