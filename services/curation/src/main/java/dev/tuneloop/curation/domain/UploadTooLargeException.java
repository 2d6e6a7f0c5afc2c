package dev.tuneloop.curation.domain;

/** An upload exceeded the configured maximum size. */
public class UploadTooLargeException extends RuntimeException {

  /** With the limit in the message. */
  public UploadTooLargeException(long maxBytes) {
    super("the upload exceeds the limit of " + maxBytes + " bytes; split it into several batches");
  }
}
