package dev.tuneloop.curation.domain;

import java.util.Objects;

/**
 * A record that did not make it into the dataset, and why.
 *
 * @param line the 1-based line of the batch where the record starts (CSV: header is line 1)
 * @param reason the reason
 * @param detail a sentence for humans: which field, what was wrong
 * @param id the record's id when known, else null
 * @param excerpt the start of the raw line or text (at most 200 characters), for finding it
 */
public record Rejection(
    long line, RejectionReason reason, String detail, String id, String excerpt) {

  /** Maximum characters kept as an excerpt. */
  public static final int EXCERPT_CHARS = 200;

  /** Checks the fields and shortens the excerpt. */
  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    excerpt = excerpt == null ? "" : shorten(excerpt);
  }

  static String shorten(String text) {
    return text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS);
  }
}
