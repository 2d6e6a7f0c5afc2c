package dev.tuneloop.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** A parsed MicroProfile Health response: overall status and the status of each named check. */
record Health(int httpStatus, String status, Map<String, String> checks, String body) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Health parse(HttpResponse<String> response) {
    try {
      JsonNode root = JSON.readTree(response.body());
      Map<String, String> checks = new LinkedHashMap<>();
      root.path("checks")
          .forEach(check -> checks.put(check.path("name").asText(), check.path("status").asText()));
      return new Health(
          response.statusCode(), root.path("status").asText(), checks, response.body());
    } catch (IOException e) {
      throw new AssertionError(
          "health endpoint answered HTTP "
              + response.statusCode()
              + " with a body that is not health JSON: "
              + response.body(),
          e);
    }
  }
}
