package dev.tuneloop.curation.domain;

/** The batch as a whole cannot be read (e.g. a CSV batch without a usable header row). */
public class MalformedBatchException extends RuntimeException {

  /** With a message that says what is wrong and how to fix it. */
  public MalformedBatchException(String message) {
    super(message);
  }
}
