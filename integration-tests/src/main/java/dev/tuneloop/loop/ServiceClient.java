package dev.tuneloop.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The services' REST APIs, as a client of the platform uses them. */
public final class ServiceClient {

  /** One answer of serving's predict API. */
  public record Answer(
      String requestId, String label, double confidence, String version, String arm) {}

  /** A non-2xx answer. */
  public static final class HttpFailure extends IOException {
    private final int status;

    HttpFailure(String what, int status, String body) {
      super(what + " answered HTTP " + status + ": " + body);
      this.status = status;
    }

    /** The HTTP status. */
    public int status() {
      return status;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, URI> services;

  /**
   * @param services base URL per service name (curation, trainer, evaluator, registry, serving,
   *     monitor)
   */
  public ServiceClient(Map<String, URI> services) {
    this.services = Map.copyOf(services);
  }

  /** The base URL of a service. */
  public URI url(String service) {
    URI uri = services.get(service);
    if (uri == null) {
      throw new IllegalArgumentException("no URL for service " + service);
    }
    return uri;
  }

  /** Uploads records to curation; returns the batch id. */
  public String uploadRecords(String dataset, List<LabelledRecord> records)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(url("curation").resolve("/api/v1/datasets/" + dataset + "/records"))
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofByteArray(LabelledRecord.ndjson(records)))
            .build();
    JsonNode answer = send("curation upload", request);
    return answer.path("batchId").asText(answer.path("id").asText(""));
  }

  /** Asks serving for predictions of several texts, each with its routing key. */
  public List<Answer> predict(String model, List<String> texts, List<String> keys)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode instances = body.putArray("instances");
    for (int i = 0; i < texts.size(); i++) {
      instances.addObject().put("text", texts.get(i)).put("key", keys.get(i));
    }
    HttpRequest request =
        HttpRequest.newBuilder(url("serving").resolve("/api/v1/models/" + model + "/predict"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
            .build();
    JsonNode answer = send("serving predict", request);
    List<Answer> out = new ArrayList<>();
    for (JsonNode prediction : answer.path("predictions")) {
      out.add(
          new Answer(
              prediction.path("requestId").asText(),
              prediction.path("label").asText(),
              prediction.path("confidence").asDouble(),
              prediction.path("modelVersion").asText(),
              prediction.path("arm").asText()));
    }
    return out;
  }

  /** Sends the true label of an answered request. */
  public void feedback(String model, String requestId, String label)
      throws IOException, InterruptedException {
    ObjectNode body =
        JSON.createObjectNode().put("requestId", requestId).put("model", model).put("label", label);
    HttpRequest request =
        HttpRequest.newBuilder(url("serving").resolve("/api/v1/feedback"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
            .build();
    send("serving feedback", request);
  }

  /** GETs a JSON document from a service. */
  public JsonNode get(String service, String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(url(service).resolve(path))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    return send(service + " " + path, request);
  }

  /** POSTs a JSON document to a service, with an optional bearer token. */
  public JsonNode post(String service, String path, Object body, String bearerToken)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url(service).resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    if (bearerToken != null) {
      request.header("Authorization", "Bearer " + bearerToken);
    }
    return send(service + " " + path, request.build());
  }

  private JsonNode send(String what, HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new HttpFailure(what, response.statusCode(), response.body());
    }
    String body = response.body();
    return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
  }
}
