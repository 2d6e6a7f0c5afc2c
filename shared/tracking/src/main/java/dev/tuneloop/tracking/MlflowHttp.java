package dev.tuneloop.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;

/**
 * MLflow's REST API over {@link HttpClient}: JSON calls under {@code /api/2.0/mlflow/} and artifact
 * transfers under {@code /api/2.0/mlflow-artifacts/}. Maps failures to {@link MlflowApiException}
 * (MLflow answered with an error) or {@link TrackingUnavailableException} (it could not be reached,
 * or timed out); retrying is left to the callers' {@link Retrier}.
 */
final class MlflowHttp {

  static final String API = "/api/2.0/mlflow/";
  static final String ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts";

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http;
  private final TrackingSettings settings;
  private final String base;

  MlflowHttp(TrackingSettings settings) {
    this.settings = settings;
    this.base = settings.uri().toString();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            // MLflow's server speaks HTTP/1.1; skipping the h2c upgrade attempt saves a round trip.
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  String serverUri() {
    return base;
  }

  ObjectNode object() {
    return json.createObjectNode();
  }

  /** {@code GET /api/2.0/mlflow/<endpoint>?<query>}. */
  JsonNode get(String operation, String endpoint, Map<String, String> query) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + API + endpoint + queryString(query)))
            .timeout(settings.requestTimeout())
            .header("Accept", "application/json")
            .GET()
            .build();
    return sendJson(operation, request);
  }

  /** {@code POST /api/2.0/mlflow/<endpoint>} with a JSON body. */
  JsonNode post(String operation, String endpoint, ObjectNode body) {
    return sendJson(operation, jsonRequest(endpoint, "POST", body));
  }

  /** {@code DELETE /api/2.0/mlflow/<endpoint>} with a JSON body, as MLflow's clients send it. */
  JsonNode delete(String operation, String endpoint, ObjectNode body) {
    return sendJson(operation, jsonRequest(endpoint, "DELETE", body));
  }

  /** {@code PUT /api/2.0/mlflow-artifacts/artifacts/<path>} with the given body. */
  void putArtifact(String operation, String proxyPath, HttpRequest.BodyPublisher body) {
    HttpRequest request =
        HttpRequest.newBuilder(artifactUri(proxyPath))
            .timeout(settings.artifactTimeout())
            .header("Content-Type", "application/octet-stream")
            .PUT(body)
            .build();
    HttpResponse<String> response = send(operation, request, HttpResponse.BodyHandlers.ofString());
    checkStatus(operation, response.statusCode(), response.body());
  }

  /**
   * {@code GET /api/2.0/mlflow-artifacts/artifacts/<path>}: the artifact's bytes as a stream the
   * caller must close.
   */
  InputStream getArtifact(String operation, String proxyPath) {
    HttpRequest request =
        HttpRequest.newBuilder(artifactUri(proxyPath))
            .timeout(settings.artifactTimeout())
            .GET()
            .build();
    HttpResponse<InputStream> response =
        send(operation, request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() / 100 != 2) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
      } catch (IOException reading) {
        body = "(error body unreadable: " + reading + ")";
      }
      throw MlflowErrorBody.parse(body).toException(operation, response.statusCode());
    }
    return response.body();
  }

  /** {@code GET /api/2.0/mlflow-artifacts/artifacts?path=<dir>}. */
  JsonNode listArtifacts(String operation, String proxyDirectory) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(base + ARTIFACTS_API + queryString(Map.of("path", proxyDirectory))))
            .timeout(settings.requestTimeout())
            .header("Accept", "application/json")
            .GET()
            .build();
    return sendJson(operation, request);
  }

  private HttpRequest jsonRequest(String endpoint, String method, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize MLflow request for " + endpoint, e);
    }
    return HttpRequest.newBuilder(URI.create(base + API + endpoint))
        .timeout(settings.requestTimeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
  }

  private JsonNode sendJson(String operation, HttpRequest request) {
    HttpResponse<String> response = send(operation, request, HttpResponse.BodyHandlers.ofString());
    checkStatus(operation, response.statusCode(), response.body());
    String body = response.body();
    if (body == null || body.isBlank()) {
      return json.createObjectNode();
    }
    try {
      return json.readTree(body);
    } catch (IOException e) {
      throw new TrackingException(
          "MLflow "
              + operation
              + " returned HTTP "
              + response.statusCode()
              + " with a body that is not JSON: "
              + MlflowErrorBody.parse(body).message(),
          e);
    }
  }

  private <T> HttpResponse<T> send(
      String operation, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      // Connection refused or reset, timeouts (HttpTimeoutException), a broken upload stream:
      // all worth another attempt.
      throw new TrackingUnavailableException(
          "Could not reach MLflow at " + base + " to " + operation + ": " + e, 1, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrackingException("MLflow " + operation + " was interrupted", e);
    }
  }

  private static void checkStatus(String operation, int status, String body) {
    if (status / 100 != 2) {
      throw MlflowErrorBody.parse(body).toException(operation, status);
    }
  }

  private URI artifactUri(String proxyPath) {
    StringJoiner encoded = new StringJoiner("/");
    for (String segment : proxyPath.split("/")) {
      encoded.add(encodeSegment(segment));
    }
    return URI.create(base + ARTIFACTS_API + "/" + encoded);
  }

  static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    StringJoiner joined = new StringJoiner("&", "?", "");
    query.forEach(
        (key, value) ->
            joined.add(
                URLEncoder.encode(key, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return joined.toString();
  }

  /** Percent-encodes one path segment (URLEncoder is for forms: it writes spaces as '+'). */
  static String encodeSegment(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
