package dev.tuneloop.serving.domain;

import org.jspecify.annotations.Nullable;

/**
 * A request the gateway cannot answer, with what the caller should know: the HTTP status, a short
 * code and a message saying what was wrong and where.
 */
public final class RequestRejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why a request was rejected, with its HTTP status. */
  public enum Reason {
    /** Malformed body, missing or empty field. */
    BAD_REQUEST(400, "bad_request"),
    /** No deployment state names this model. */
    UNKNOWN_MODEL(404, "unknown_model"),
    /** A text or the number of texts is over the limit. */
    TOO_LARGE(413, "too_large"),
    /** Well-formed but not acceptable, e.g. a label the model does not know. */
    UNPROCESSABLE(422, "unprocessable"),
    /** The model is known but not loaded (yet). */
    NOT_READY(503, "model_not_ready"),
    /** Too many requests are waiting. */
    OVERLOADED(503, "overloaded"),
    /** The answer took longer than the request timeout. */
    TIMEOUT(504, "timeout");

    private final int status;
    private final String code;

    Reason(int status, String code) {
      this.status = status;
      this.code = code;
    }

    /** The HTTP status. */
    public int status() {
      return status;
    }

    /** The short error code of the JSON answer. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final @Nullable Long retryAfterSeconds;

  /**
   * @param reason why
   * @param message what was wrong and where
   * @param retryAfterSeconds when to try again (503), or null
   */
  public RequestRejectedException(Reason reason, String message, @Nullable Long retryAfterSeconds) {
    super(message);
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A rejection without a retry hint. */
  public static RequestRejectedException of(Reason reason, String message) {
    return new RequestRejectedException(reason, message, null);
  }

  /** Why. */
  public Reason reason() {
    return reason;
  }

  /** Seconds after which a retry may succeed (503 only), or null. */
  public @Nullable Long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
