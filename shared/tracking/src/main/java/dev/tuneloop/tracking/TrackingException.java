package dev.tuneloop.tracking;

/** Base class of the failures of this module: a call to MLflow did not do what was asked. */
public class TrackingException extends RuntimeException {

  /**
   * @param message what failed and, where known, what to do about it
   */
  public TrackingException(String message) {
    super(message);
  }

  /**
   * @param message what failed and, where known, what to do about it
   * @param cause the underlying failure
   */
  public TrackingException(String message, Throwable cause) {
    super(message, cause);
  }
}
