package dev.tuneloop.tracking;

/**
 * MLflow could not be reached or kept failing transiently (connection refused, timeout, HTTP 429 or
 * 5xx), also after the retries of the {@link RetryPolicy}. The cause is the last failure.
 */
public class TrackingUnavailableException extends TrackingException {

  private final int attempts;

  /**
   * @param message what failed, including the server address
   * @param attempts how many attempts were made
   * @param cause the last failure
   */
  public TrackingUnavailableException(String message, int attempts, Throwable cause) {
    super(message, cause);
    this.attempts = attempts;
  }

  /** How many attempts were made before giving up. */
  public int attempts() {
    return attempts;
  }
}
