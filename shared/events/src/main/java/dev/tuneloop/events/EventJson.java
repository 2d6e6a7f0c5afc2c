package dev.tuneloop.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * JSON encoding of event data, the same for every producer and consumer.
 *
 * <ul>
 *   <li>Times are ISO-8601 / RFC 3339 strings in UTC ({@code 2026-11-24T10:15:30.123Z}).
 *   <li>Enums are lower case ({@code running}, {@code new_data}).
 *   <li>Absent optional fields are left out, never written as {@code null}.
 *   <li>Unknown properties are ignored, so adding a field is compatible.
 *   <li>Reading is otherwise strict: a missing required field, a string where a number belongs or a
 *       fraction where an integer belongs is an error, never a silent default.
 * </ul>
 */
public final class EventJson {

  private static final ObjectMapper MAPPER = newObjectMapper();

  private EventJson() {}

  /**
   * A new mapper with tuneloop's event settings, for code that needs its own instance (e.g. to add
   * modules). Mappers are thread-safe once configured; prefer the methods of this class.
   */
  public static ObjectMapper newObjectMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .configure(EnumFeature.WRITE_ENUMS_TO_LOWERCASE, true)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .addModule(new SimpleModule("tuneloop-times").addDeserializer(Instant.class, new Rfc3339()))
        .build();
  }

  /** The JSON bytes (UTF-8) of {@code event}. */
  public static byte[] encode(TuneloopEvent event) {
    Require.present(event, "event");
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      // A validated record always serializes; this is a bug, not bad input.
      throw new IllegalStateException("Cannot encode " + event.getClass().getSimpleName(), e);
    }
  }

  /** The JSON text of {@code event}. */
  public static String encodeToString(TuneloopEvent event) {
    return new String(encode(event), StandardCharsets.UTF_8);
  }

  /**
   * Decodes the data of an event of CloudEvents type {@code type}.
   *
   * @throws InvalidEventException if the type is unknown or the JSON breaks the type's contract;
   *     the message names the type and the field
   */
  public static TuneloopEvent decode(String type, byte[] json) {
    return decode(EventType.of(type).javaType(), json);
  }

  /**
   * Decodes the JSON of a {@code javaType} event.
   *
   * @throws InvalidEventException if the JSON breaks the type's contract; the message names the
   *     type and the field
   */
  public static <T extends TuneloopEvent> T decode(Class<T> javaType, byte[] json) {
    Require.present(json, "json");
    String type = EventType.of(javaType).type();
    try {
      T event = MAPPER.readValue(json, javaType);
      if (event == null) {
        throw new InvalidEventException("Invalid " + type + " event: the data is JSON null");
      }
      return event;
    } catch (JsonMappingException e) {
      throw new InvalidEventException(describe(type, e), e);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(
          "Invalid " + type + " event: not JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      // Reading from a byte array does no I/O; kept apart so nothing is mislabelled.
      throw new IllegalStateException("Cannot read " + type + " event", e);
    }
  }

  /** Decodes the JSON text of a {@code javaType} event; see {@link #decode(Class, byte[])}. */
  public static <T extends TuneloopEvent> T decode(Class<T> javaType, String json) {
    Require.present(json, "json");
    return decode(javaType, json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads times only as RFC 3339 strings (any offset, converted to UTC). Jackson's own reader also
   * takes epoch numbers, which would let a producer's unit mix-up (seconds or milliseconds?) pass.
   */
  private static final class Rfc3339 extends StdScalarDeserializer<Instant> {

    private static final long serialVersionUID = 1L;

    Rfc3339() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      if (!parser.hasToken(JsonToken.VALUE_STRING)) {
        throw new InvalidEventException(
            "must be an RFC 3339 time string like 2026-11-24T10:15:30Z, was " + parser.getText());
      }
      String text = parser.getText();
      try {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        throw new InvalidEventException(
            "must be an RFC 3339 time like 2026-11-24T10:15:30Z, was '" + text + "'", e);
      }
    }
  }

  private static String reason(JsonMappingException e) {
    // A record constructor's InvalidEventException says exactly what is wrong; Jackson's own
    // message for it adds class names and source positions nobody needs in a dead-letter reason.
    if (e.getCause() instanceof InvalidEventException cause) {
      return cause.getMessage();
    }
    if (e instanceof InvalidFormatException format
        && format.getTargetType() != null
        && format.getTargetType().isEnum()) {
      List<String> allowed =
          Arrays.stream(format.getTargetType().getEnumConstants())
              .map(constant -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
              .toList();
      return "must be one of " + allowed + ", was '" + format.getValue() + "'";
    }
    String message = e.getOriginalMessage();
    // Jackson reports a missing primitive as a null it may not map, and suggests turning the check
    // off; for a reader of the dead-letter topic the field is simply missing.
    if (message != null && message.startsWith("Cannot map `null` into type")) {
      return "required field is missing";
    }
    return message;
  }

  private static String describe(String type, JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(
                reference ->
                    reference.getFieldName() != null
                        ? "." + reference.getFieldName()
                        : "[" + reference.getIndex() + "]")
            .collect(Collectors.joining());
    String where = path.isEmpty() ? "" : " at " + path.substring(path.startsWith(".") ? 1 : 0);
    return "Invalid " + type + " event" + where + ": " + reason(e);
  }
}
