package dev.tuneloop.events;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.UUID;

/**
 * The CloudEvents 1.0 context attributes of a tuneloop event, carried in Kafka headers (binary
 * content mode, see {@link CloudEventHeaders}).
 *
 * @param id unique id of this event; consumers deduplicate on it
 * @param type the CloudEvents type, e.g. {@code dev.tuneloop.training.status.v1}
 * @param source the producing service as a URI reference, by convention {@code tuneloop/<service>}
 *     (e.g. {@code tuneloop/trainer})
 * @param subject the aggregate the event is about (dataset, job id or model name); equal to the
 *     Kafka key
 * @param time when the event was produced
 * @param correlationId the loop iteration that caused the event (extension attribute {@code
 *     correlationid}); every event caused by another keeps its correlation id
 * @param specVersion the CloudEvents version, always {@value #SPEC_VERSION}
 * @param dataContentType the media type of the data, always {@value #JSON}
 */
public record EventMetadata(
    UUID id,
    String type,
    String source,
    String subject,
    Instant time,
    String correlationId,
    String specVersion,
    String dataContentType) {

  /** The CloudEvents specification version tuneloop speaks. */
  public static final String SPEC_VERSION = "1.0";

  /** The media type of every event's data. */
  public static final String JSON = "application/json";

  /** Checks every attribute; the message names the one that is wrong. */
  public EventMetadata {
    Require.present(id, "id");
    Require.nonBlank(type, "type");
    Require.nonBlank(source, "source");
    try {
      new URI(source);
    } catch (URISyntaxException e) {
      throw new InvalidEventException("source must be a URI reference, was '" + source + "'", e);
    }
    Require.nonBlank(subject, "subject");
    Require.present(time, "time");
    Require.nonBlank(correlationId, "correlationId");
    if (!SPEC_VERSION.equals(specVersion)) {
      throw new InvalidEventException(
          "specVersion must be " + SPEC_VERSION + ", was '" + specVersion + "'");
    }
    Require.nonBlank(dataContentType, "dataContentType");
    if (!isJson(dataContentType)) {
      throw new InvalidEventException(
          "dataContentType must be " + JSON + ", was '" + dataContentType + "'");
    }
  }

  /**
   * Metadata for an event that starts a new loop iteration (an upload, an operator's request): a
   * fresh id and a fresh correlation id.
   */
  public static EventMetadata startLoop(TuneloopEvent event, String source) {
    return forEvent(event, source, UUID.randomUUID().toString());
  }

  /**
   * Metadata for {@code event} caused by the event described by {@code cause}: same correlation.
   */
  public static EventMetadata causedBy(EventMetadata cause, TuneloopEvent event, String source) {
    Require.present(cause, "cause");
    return forEvent(event, source, cause.correlationId());
  }

  /**
   * Metadata for {@code event} with a fresh id, the current time, the event's type and key, and the
   * given correlation id.
   */
  public static EventMetadata forEvent(TuneloopEvent event, String source, String correlationId) {
    Require.present(event, "event");
    return new EventMetadata(
        UUID.randomUUID(),
        EventType.of(event).type(),
        source,
        event.key(),
        Instant.now(),
        correlationId,
        SPEC_VERSION,
        JSON);
  }

  private static boolean isJson(String contentType) {
    // Accept parameters such as "application/json; charset=UTF-8", as other producers may add them.
    int semicolon = contentType.indexOf(';');
    String mediaType = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return mediaType.trim().equalsIgnoreCase(JSON);
  }
}
