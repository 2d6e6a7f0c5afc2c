package dev.tuneloop.events;

/**
 * An event, its JSON data or its CloudEvents headers break the contract: a required field is
 * missing, a value is out of range, a header is absent or malformed, or the type is unknown.
 *
 * <p>Thrown when an event is built and when a Kafka record is decoded, so a bad message fails at
 * decode time and can go to the topic's dead-letter topic with this message as the reason. The
 * message names the field or header.
 */
public class InvalidEventException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** An invalid event described by {@code message}. */
  public InvalidEventException(String message) {
    super(message);
  }

  /** An invalid event described by {@code message}, detected through {@code cause}. */
  public InvalidEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
