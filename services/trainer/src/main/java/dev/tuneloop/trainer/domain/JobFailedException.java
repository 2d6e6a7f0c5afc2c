package dev.tuneloop.trainer.domain;

import java.util.Objects;

/**
 * A job cannot go on; it ends {@code failed} with {@link #code()} (a stable snake-case reason, see
 * {@link FailureCodes}) and {@link #getMessage()} (what happened, for people).
 */
public final class JobFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String code;

  /** A failure with its reason code and message. */
  public JobFailedException(String code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** A failure with its reason code, message and cause. */
  public JobFailedException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The reason code. */
  public String code() {
    return code;
  }
}
