package dev.tuneloop.serving.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tuneloop.serving.domain.RequestRejectedException;
import dev.tuneloop.serving.domain.RequestRejectedException.Reason;
import org.jspecify.annotations.Nullable;

/** Reads request bodies as JSON trees, so every malformation gets a precise 400. */
final class JsonBodies {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private JsonBodies() {}

  /** The body as a JSON object. */
  static JsonNode object(@Nullable String body) {
    if (body == null || body.isBlank()) {
      throw RequestRejectedException.of(Reason.BAD_REQUEST, "the request body is empty");
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw RequestRejectedException.of(
          Reason.BAD_REQUEST,
          "the body is not valid JSON: "
              + e.getOriginalMessage()
              + " (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    }
    if (node == null || !node.isObject()) {
      throw RequestRejectedException.of(Reason.BAD_REQUEST, "the body must be a JSON object");
    }
    return node;
  }

  /** An optional string field; a present non-string value is an error. */
  static @Nullable String optionalText(JsonNode parent, String field, String where) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw RequestRejectedException.of(
          Reason.BAD_REQUEST, where + field + " must be a string, was " + value.getNodeType());
    }
    return value.asText();
  }
}
