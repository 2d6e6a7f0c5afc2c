package dev.tuneloop.serving.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneloop.serving.domain.DeployedModels;
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
 * {@code POST /api/v1/models/{model}/predict} with {@code
 * {"instances":[{"text":"...","key":"..."}]}}; each text is routed by its own key. {@code GET
 * /api/v1/models/{model}} tells what is deployed.
 */
@Path("/api/v1/models/{model}")
@Produces(MediaType.APPLICATION_JSON)
public class PredictResource {

  /**
   * One answer.
   *
   * @param requestId the id to send feedback for
   * @param label the predicted label
   * @param confidence its probability
   * @param probabilities every label's probability
   * @param modelVersion the version that answered
   * @param arm {@code champion} or {@code challenger}
   */
  public record PredictionView(
      String requestId,
      String label,
      double confidence,
      Map<String, Double> probabilities,
      String modelVersion,
      String arm) {}

  /**
   * The answer to a predict request.
   *
   * @param model the model
   * @param predictions one per instance, in order
   */
  public record PredictResponse(String model, List<PredictionView> predictions) {}

  private final Gateway gateway;
  private final DeployedModels models;

  PredictResource(Gateway gateway, DeployedModels models) {
    this.gateway = gateway;
    this.models = models;
  }

  /** Classifies the instances. */
  @POST
  @Path("/predict")
  @Consumes(MediaType.APPLICATION_JSON)
  public PredictResponse predict(@PathParam("model") String model, @Nullable String body) {
    Gateway.checkModelName(model);
    JsonNode request = JsonBodies.object(body);
    JsonNode instances = request.get("instances");
    if (instances == null || !instances.isArray()) {
      throw RequestRejectedException.of(
          Reason.BAD_REQUEST, "instances must be an array of {\"text\": ..., \"key\": ...}");
    }
    List<Gateway.Instance> parsed = new ArrayList<>(instances.size());
    for (int i = 0; i < instances.size(); i++) {
      JsonNode instance = instances.get(i);
      String where = "instances[" + i + "].";
      if (!instance.isObject()) {
        throw RequestRejectedException.of(
            Reason.BAD_REQUEST, "instances[" + i + "] must be an object with a text");
      }
      parsed.add(
          new Gateway.Instance(
              JsonBodies.optionalText(instance, "text", where),
              JsonBodies.optionalText(instance, "key", where)));
    }
    List<PredictionView> out = new ArrayList<>();
    for (Gateway.Answer answer : gateway.predict(model, parsed)) {
      out.add(
          new PredictionView(
              answer.requestId(),
              answer.label(),
              answer.confidence(),
              answer.probabilities(),
              answer.modelVersion(),
              answer.arm().name().toLowerCase(Locale.ROOT)));
    }
    return new PredictResponse(model, out);
  }

  /** What is deployed for the model and whether it answers. */
  @GET
  public Map<String, Object> status(@PathParam("model") String model) {
    Gateway.checkModelName(model);
    DeployedModels.ModelStatus status = models.status(model);
    if (status.status() == DeployedModels.Status.UNKNOWN) {
      throw RequestRejectedException.of(
          Reason.UNKNOWN_MODEL, "no deployment state seen for '" + model + "'");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", model);
    out.put("status", status.status().name().toLowerCase(Locale.ROOT));
    Deployment d = status.deployment();
    if (d != null) {
      out.put("revision", d.revision());
      out.put("champion", version(d.champion()));
      out.put("challenger", version(d.challenger()));
      out.put("mode", d.mode().name().toLowerCase(Locale.ROOT));
      out.put("challengerWeight", d.challengerWeight());
    }
    if (status.pendingRevision() != null) {
      out.put("pendingRevision", status.pendingRevision());
    }
    if (status.lastError() != null) {
      out.put("lastError", status.lastError());
    }
    return out;
  }

  private static @Nullable String version(@Nullable ModelHandle handle) {
    return handle == null ? null : handle.version();
  }

  @ServerExceptionMapper
  Response rejected(RequestRejectedException e) {
    return ApiError.response(e);
  }
}
