package dev.tuneloop.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Writes and reads {@link EventMetadata} as Kafka headers in CloudEvents binary content mode, with
 * the header names of the CloudEvents Kafka protocol binding that SmallRye Reactive Messaging
 * writes and reads: each attribute as {@code ce_<attribute>} (UTF-8), extensions included, so the
 * correlation id travels as {@code ce_correlationid} and SmallRye's {@code
 * IncomingKafkaCloudEventMetadata.getExtension("correlationid")} sees it; the data's media type as
 * {@code content-type}.
 */
public final class CloudEventHeaders {

  /** Prefix of every CloudEvents attribute header. */
  public static final String PREFIX = "ce_";

  /** Header of the {@code specversion} attribute. */
  public static final String SPEC_VERSION = PREFIX + "specversion";

  /** Header of the {@code id} attribute. */
  public static final String ID = PREFIX + "id";

  /** Header of the {@code type} attribute. */
  public static final String TYPE = PREFIX + "type";

  /** Header of the {@code source} attribute. */
  public static final String SOURCE = PREFIX + "source";

  /** Header of the {@code subject} attribute. */
  public static final String SUBJECT = PREFIX + "subject";

  /** Header of the {@code time} attribute (RFC 3339, UTC). */
  public static final String TIME = PREFIX + "time";

  /** Name of tuneloop's correlation extension attribute. */
  public static final String CORRELATION_ID_EXTENSION = "correlationid";

  /** Header of the {@code correlationid} extension attribute. */
  public static final String CORRELATION_ID = PREFIX + CORRELATION_ID_EXTENSION;

  /**
   * Header of the {@code datacontenttype} attribute in binary mode. The binding maps it to the
   * plain {@code content-type} header, not to a {@code ce_} header.
   */
  public static final String CONTENT_TYPE = "content-type";

  /**
   * A {@code ce_datacontenttype} header, which SmallRye writes next to {@code content-type}; read
   * only as a fallback.
   */
  static final String CE_DATA_CONTENT_TYPE = PREFIX + "datacontenttype";

  private static final List<String> WRITTEN =
      List.of(SPEC_VERSION, ID, TYPE, SOURCE, SUBJECT, TIME, CORRELATION_ID, CONTENT_TYPE);

  private CloudEventHeaders() {}

  /**
   * Writes {@code metadata} into {@code headers}, replacing any CloudEvents headers already there
   * (e.g. of the record a dead-letter copy was made from), and leaving other headers alone.
   */
  public static void write(EventMetadata metadata, Headers headers) {
    Require.present(metadata, "metadata");
    Require.present(headers, "headers");
    WRITTEN.forEach(headers::remove);
    headers.remove(CE_DATA_CONTENT_TYPE);
    put(headers, SPEC_VERSION, metadata.specVersion());
    put(headers, ID, metadata.id().toString());
    put(headers, TYPE, metadata.type());
    put(headers, SOURCE, metadata.source());
    put(headers, SUBJECT, metadata.subject());
    // Instant.toString() is RFC 3339 in UTC ("...Z"), which SmallRye's parser accepts.
    put(headers, TIME, metadata.time().toString());
    put(headers, CORRELATION_ID, metadata.correlationId());
    put(headers, CONTENT_TYPE, metadata.dataContentType());
  }

  /**
   * Reads the metadata of a tuneloop event from {@code headers}.
   *
   * @throws InvalidEventException naming the header, when a required header is missing or malformed
   *     (not a UUID, not an RFC 3339 time, wrong spec version, not JSON data)
   */
  public static EventMetadata read(Headers headers) {
    Require.present(headers, "headers");
    String id = required(headers, ID);
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException("Header " + ID + " must be a UUID, was '" + id + "'", e);
    }
    String time = required(headers, TIME);
    Instant instant;
    try {
      instant = OffsetDateTime.parse(time, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidEventException(
          "Header " + TIME + " must be an RFC 3339 time, was '" + time + "'", e);
    }
    String contentType = optional(headers, CONTENT_TYPE);
    if (contentType == null) {
      contentType = optional(headers, CE_DATA_CONTENT_TYPE);
    }
    if (contentType == null) {
      throw new InvalidEventException("Header " + CONTENT_TYPE + " is missing");
    }
    try {
      return new EventMetadata(
          uuid,
          required(headers, TYPE),
          required(headers, SOURCE),
          required(headers, SUBJECT),
          instant,
          required(headers, CORRELATION_ID),
          required(headers, SPEC_VERSION),
          contentType);
    } catch (InvalidEventException e) {
      throw new InvalidEventException("Invalid CloudEvents headers: " + e.getMessage(), e);
    }
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String required(Headers headers, String name) {
    String value = optional(headers, name);
    if (value == null || value.isBlank()) {
      throw new InvalidEventException(
          "Header " + name + " is missing; is this a CloudEvents binary-mode record?");
    }
    return value;
  }

  private static @Nullable String optional(Headers headers, String name) {
    // The last header wins, as in Kafka's own lookups.
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
