package dev.tuneloop.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.EventJson;
import dev.tuneloop.registry.domain.ArmSummary;
import dev.tuneloop.registry.domain.Decision;
import dev.tuneloop.registry.domain.InvalidTransitionException;
import dev.tuneloop.registry.domain.OperatorAction;
import dev.tuneloop.registry.domain.OperatorDirectory;
import dev.tuneloop.registry.domain.OperatorDirectory.Operator;
import dev.tuneloop.registry.domain.RolloutEngine;
import dev.tuneloop.registry.domain.UnknownModelException;
import dev.tuneloop.tracking.ModelRegistryClient;
import dev.tuneloop.tracking.ModelVersion;
import dev.tuneloop.tracking.RegisteredModel;
import dev.tuneloop.tracking.TrackingException;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * {@code GET /api/v1/models/{model}}: versions, aliases, rollout and history. {@code POST
 * /api/v1/models/{model}/rollout/{promote|rollback|abort|pause|resume}}: operator commands with a
 * bearer token and a reason.
 */
@Path("/api/v1/models/{model}")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ModelResource {

  private static final Logger LOG = Logger.getLogger(ModelResource.class);
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final ObjectMapper JSON = EventJson.newObjectMapper();
  private static final int MAX_REASON = 2000;

  private final RolloutEngine engine;
  private final OperatorDirectory operators;
  private final ModelRegistryClient mlflow;

  ModelResource(RolloutEngine engine, OperatorDirectory operators, ModelRegistryClient mlflow) {
    this.engine = engine;
    this.operators = operators;
    this.mlflow = mlflow;
  }

  /** The model's versions and aliases (MLflow) and its rollout (deployment state). */
  @GET
  public Response get(@PathParam("model") String model) {
    if (!MODEL_NAME.matcher(model).matches()) {
      return invalidName(model);
    }
    Optional<DeploymentState> state = engine.state(model);
    Optional<RegisteredModel> registered;
    List<ModelVersion> versions;
    try {
      registered = mlflow.findRegisteredModel(model);
      versions =
          registered.isEmpty() ? List.of() : mlflow.searchModelVersions("name = '" + model + "'");
    } catch (TrackingException e) {
      return ApiError.response(
          503, "mlflow_unavailable", "MLflow could not be read: " + e.getMessage());
    }
    if (state.isEmpty() && registered.isEmpty()) {
      return ApiError.response(
          404, "unknown_model", "no registered model and no deployment named '" + model + "'");
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    ObjectNode aliases = body.putObject("aliases");
    registered.ifPresent(r -> r.aliases().forEach(aliases::put));
    ArrayNode list = body.putArray("versions");
    versions.stream()
        .sorted(Comparator.comparingLong(ModelVersion::number))
        .forEach(
            v -> {
              ObjectNode node = list.addObject();
              node.put("version", v.version());
              node.put("source", v.source());
              node.put("runId", v.runId());
              node.put("status", v.status());
              node.put("createdAt", v.creationTimestamp());
              node.set("tags", JSON.valueToTree(v.tags()));
            });
    if (state.isPresent()) {
      JsonNode rollout = JSON.valueToTree(state.get());
      ((ObjectNode) rollout).remove("history");
      engine
          .lastDecision(model)
          .ifPresent(d -> ((ObjectNode) rollout).set("lastDecision", decision(d)));
      ArrayNode evidence = ((ObjectNode) rollout).putArray("evidence");
      for (ArmSummary arm : engine.evidence(model)) {
        evidence.add(JSON.valueToTree(arm));
      }
      body.set("rollout", rollout);
      body.set("history", JSON.valueToTree(state.get().history()));
    } else {
      body.putNull("rollout");
      body.putArray("history");
    }
    return Response.ok(body).build();
  }

  /** An operator's rollout command. */
  @POST
  @Path("/rollout/{action}")
  @Consumes(MediaType.WILDCARD)
  public Response command(
      @PathParam("model") String model,
      @PathParam("action") String actionName,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      String rawBody) {
    Optional<Operator> operator = operators.authenticate(authorization);
    if (operator.isEmpty()) {
      return ApiError.response(
          401,
          authorization == null ? "missing_token" : "invalid_token",
          "rollout commands need 'Authorization: Bearer <operator token>'");
    }
    if (operator.get().role() != OperatorDirectory.Role.OPERATOR) {
      return ApiError.response(
          403,
          "forbidden",
          "'"
              + operator.get().name()
              + "' is a "
              + operator.get().role().name().toLowerCase()
              + " and may not command rollouts");
    }
    if (!MODEL_NAME.matcher(model).matches()) {
      return invalidName(model);
    }
    Optional<OperatorAction> action = OperatorAction.parse(actionName);
    if (action.isEmpty()) {
      return ApiError.response(
          404,
          "unknown_action",
          "'" + actionName + "' is not one of promote, rollback, abort, pause, resume");
    }
    String reason;
    try {
      JsonNode body = rawBody == null || rawBody.isBlank() ? null : JSON.readTree(rawBody);
      JsonNode field = body == null ? null : body.get("reason");
      reason = field == null || !field.isTextual() ? null : field.asText().strip();
    } catch (java.io.IOException e) {
      return ApiError.response(
          400, "malformed_body", "the body must be JSON like {\"reason\": \"...\"}");
    }
    if (reason == null || reason.isEmpty()) {
      return ApiError.response(
          400, "missing_reason", "say why in the body: {\"reason\": \"...\"} (it is audited)");
    }
    if (reason.length() > MAX_REASON) {
      return ApiError.response(
          400, "reason_too_long", "the reason has more than " + MAX_REASON + " characters");
    }
    try {
      DeploymentState state = engine.operate(model, action.get(), operator.get().name(), reason);
      LOG.infof("%s %s %s: %s", operator.get().name(), action.get().path(), model, reason);
      return Response.ok(JSON.valueToTree(state)).build();
    } catch (UnknownModelException e) {
      return ApiError.response(404, "unknown_model", e.getMessage());
    } catch (InvalidTransitionException e) {
      return ApiError.response(409, "invalid_transition", e.getMessage());
    } catch (RuntimeException e) {
      LOG.errorf(e, "%s of %s failed", action.get().path(), model);
      return ApiError.response(
          503,
          "unavailable",
          action.get().path() + " of " + model + " failed, state unchanged: " + e.getMessage());
    }
  }

  private static JsonNode decision(Decision d) {
    ObjectNode node = JSON.createObjectNode();
    node.put("outcome", d.outcome().name().toLowerCase());
    node.put("reason", d.reason());
    return node;
  }

  private static Response invalidName(String model) {
    return ApiError.response(
        400,
        "invalid_model_name",
        "model names are 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit, was '"
            + model
            + "'");
  }
}
