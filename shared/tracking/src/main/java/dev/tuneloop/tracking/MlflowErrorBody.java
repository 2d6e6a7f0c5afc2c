package dev.tuneloop.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The error body MLflow sends with a failed request: {@code {"error_code": "...", "message":
 * "..."}}. Anything else (an HTML page from a proxy, an empty body) keeps its first characters as
 * the message so the failure stays readable.
 */
record MlflowErrorBody(String errorCode, String message) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RAW_MESSAGE = 500;

  static MlflowErrorBody parse(String body) {
    if (body == null || body.isBlank()) {
      return new MlflowErrorBody(MlflowApiException.UNKNOWN_ERROR_CODE, "");
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.isObject() && node.hasNonNull("error_code")) {
        return new MlflowErrorBody(
            node.get("error_code").asText(), node.path("message").asText("").strip());
      }
    } catch (IOException notJson) {
      // Not an MLflow error body (e.g. a proxy's HTML page): keep the raw text below.
    }
    String raw = body.strip();
    if (raw.length() > MAX_RAW_MESSAGE) {
      raw = raw.substring(0, MAX_RAW_MESSAGE) + "...";
    }
    return new MlflowErrorBody(MlflowApiException.UNKNOWN_ERROR_CODE, raw);
  }

  MlflowApiException toException(String operation, int httpStatus) {
    return new MlflowApiException(operation, httpStatus, errorCode, message);
  }
}
