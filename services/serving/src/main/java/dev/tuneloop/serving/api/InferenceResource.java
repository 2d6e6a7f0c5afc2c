package dev.tuneloop.serving.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneloop.serving.domain.Deployment;
import dev.tuneloop.serving.domain.Gateway;
import dev.tuneloop.serving.domain.ModelHandle;
import dev.tuneloop.serving.domain.RequestRejectedException;
import dev.tuneloop.serving.domain.RequestRejectedException.Reason;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jspecify.annotations.Nullable;

/**
 * The Open Inference Protocol v2 (KServe, Triton): {@code POST /v2/models/{model}/infer} with the
 * texts as one {@code BYTES} input, {@code GET /v2/models/{model}} (metadata) and {@code GET
 * /v2/models/{model}/ready}. The optional request parameter {@code key} routes every text of the
 * request as one sticky key. Errors are {@code {"error": "..."}} as the protocol says.
 */
@Path("/v2/models/{model}")
@Produces(MediaType.APPLICATION_JSON)
public class InferenceResource {

  private final Gateway gateway;

  InferenceResource(Gateway gateway) {
    this.gateway = gateway;
  }

  /** Classifies the texts of the request's BYTES input. */
  @POST
  @Path("/infer")
  @Consumes(MediaType.APPLICATION_JSON)
  public Map<String, Object> infer(@PathParam("model") String model, @Nullable String body) {
    Gateway.checkModelName(model);
    JsonNode request = JsonBodies.object(body);
    String id = JsonBodies.optionalText(request, "id", "");
    String key = null;
    JsonNode parameters = request.get("parameters");
    if (parameters != null && !parameters.isNull()) {
      if (!parameters.isObject()) {
        throw RequestRejectedException.of(Reason.BAD_REQUEST, "parameters must be an object");
      }
      key = JsonBodies.optionalText(parameters, "key", "parameters.");
    }
    List<String> texts = texts(request);
    List<Gateway.Instance> instances = new ArrayList<>(texts.size());
    for (String text : texts) {
      instances.add(new Gateway.Instance(text, key));
    }
    List<Gateway.Answer> answers = gateway.predict(model, instances);

    List<String> labels = new ArrayList<>(answers.get(0).probabilities().keySet());
    List<String> predicted = new ArrayList<>();
    List<Double> confidence = new ArrayList<>();
    List<Double> probabilities = new ArrayList<>();
    List<String> requestIds = new ArrayList<>();
    List<String> versions = new ArrayList<>();
    List<String> arms = new ArrayList<>();
    for (Gateway.Answer answer : answers) {
      predicted.add(answer.label());
      confidence.add(answer.confidence());
      for (String label : labels) {
        probabilities.add(answer.probabilities().getOrDefault(label, 0.0));
      }
      requestIds.add(answer.requestId());
      versions.add(answer.modelVersion());
      arms.add(answer.arm().name().toLowerCase(Locale.ROOT));
    }
    int n = answers.size();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model_name", model);
    if (versions.stream().distinct().count() == 1) {
      out.put("model_version", versions.get(0));
    }
    if (id != null) {
      out.put("id", id);
    }
    out.put("parameters", Map.of("labels", labels));
    out.put(
        "outputs",
        List.of(
            tensor("label", "BYTES", List.of(n), predicted),
            tensor("probabilities", "FP32", List.of(n, labels.size()), probabilities),
            tensor("confidence", "FP32", List.of(n), confidence),
            tensor("request_id", "BYTES", List.of(n), requestIds),
            tensor("model_version", "BYTES", List.of(n), versions),
            tensor("arm", "BYTES", List.of(n), arms)));
    return out;
  }

  /** Model metadata: name, deployed versions, inputs and outputs. */
  @GET
  public Map<String, Object> metadata(@PathParam("model") String model) {
    Deployment deployment = gateway.deployment(model);
    List<String> versions = new ArrayList<>();
    for (ModelHandle handle : deployment.handles()) {
      versions.add(handle.version());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", model);
    out.put("versions", versions);
    out.put("platform", "tuneloop-djl-pytorch");
    out.put("inputs", List.of(Map.of("name", "text", "datatype", "BYTES", "shape", List.of(-1))));
    out.put(
        "outputs",
        List.of(
            Map.of("name", "label", "datatype", "BYTES", "shape", List.of(-1)),
            Map.of("name", "probabilities", "datatype", "FP32", "shape", List.of(-1, -1)),
            Map.of("name", "confidence", "datatype", "FP32", "shape", List.of(-1)),
            Map.of("name", "request_id", "datatype", "BYTES", "shape", List.of(-1)),
            Map.of("name", "model_version", "datatype", "BYTES", "shape", List.of(-1)),
            Map.of("name", "arm", "datatype", "BYTES", "shape", List.of(-1))));
    return out;
  }

  /** 200 when the model answers, else 404 (unknown) or 503 (loading) with the reason. */
  @GET
  @Path("/ready")
  public Response ready(@PathParam("model") String model) {
    gateway.deployment(model);
    return Response.ok(Map.of("name", model, "ready", true)).build();
  }

  private static List<String> texts(JsonNode request) {
    JsonNode inputs = request.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.size() != 1) {
      throw RequestRejectedException.of(
          Reason.BAD_REQUEST,
          "inputs must be an array with exactly one BYTES input holding the texts");
    }
    JsonNode input = inputs.get(0);
    if (!input.isObject()) {
      throw RequestRejectedException.of(Reason.BAD_REQUEST, "inputs[0] must be an object");
    }
    String datatype = JsonBodies.optionalText(input, "datatype", "inputs[0].");
    if (!"BYTES".equals(datatype)) {
      throw RequestRejectedException.of(
          Reason.BAD_REQUEST, "inputs[0].datatype must be BYTES (texts), was " + datatype);
    }
    JsonNode data = input.get("data");
    if (data == null || !data.isArray()) {
      throw RequestRejectedException.of(
          Reason.BAD_REQUEST, "inputs[0].data must be an array of strings");
    }
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      JsonNode item = data.get(i);
      // Triton clients often send shape [n, 1] as nested rows of one string
      if (item.isArray() && item.size() == 1) {
        item = item.get(0);
      }
      if (!item.isTextual()) {
        throw RequestRejectedException.of(
            Reason.BAD_REQUEST, "inputs[0].data[" + i + "] must be a string");
      }
      texts.add(item.asText());
    }
    JsonNode shape = input.get("shape");
    if (shape != null && !shape.isNull()) {
      long elements = 1;
      if (!shape.isArray() || shape.isEmpty()) {
        throw RequestRejectedException.of(
            Reason.BAD_REQUEST, "inputs[0].shape must be an array of dimensions");
      }
      for (JsonNode dim : shape) {
        if (!dim.canConvertToLong() || !dim.isIntegralNumber() || dim.asLong() < 0) {
          throw RequestRejectedException.of(
              Reason.BAD_REQUEST, "inputs[0].shape must hold non-negative integers");
        }
        elements *= dim.asLong();
      }
      if (elements != texts.size()) {
        throw RequestRejectedException.of(
            Reason.BAD_REQUEST,
            "inputs[0].shape " + shape + " holds " + elements + " elements, data " + texts.size());
      }
    }
    return texts;
  }

  private static Map<String, Object> tensor(
      String name, String datatype, List<Integer> shape, List<?> data) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("datatype", datatype);
    out.put("shape", shape);
    out.put("data", data);
    return out;
  }

  @ServerExceptionMapper
  Response rejected(RequestRejectedException e) {
    Response.ResponseBuilder builder =
        Response.status(e.reason().status())
            .type(MediaType.APPLICATION_JSON)
            .entity(Map.of("error", e.getMessage(), "code", e.reason().code()));
    if (e.retryAfterSeconds() != null) {
      builder.header("Retry-After", e.retryAfterSeconds());
    }
    return builder.build();
  }
}
