package dev.tuneloop.evaluator.api;

import dev.tuneloop.evaluator.config.EvaluatorConfig;
import dev.tuneloop.evaluator.domain.CandidateEvaluator;
import dev.tuneloop.evaluator.domain.EvaluationReport;
import dev.tuneloop.evaluator.domain.EvaluationStore;
import dev.tuneloop.events.TuneloopEvent;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Evaluations: {@code GET /api/v1/evaluations/{model}/{version}} (the JSON report), {@code GET
 * .../report.html} (the page) and {@code POST .../override} (an operator's forced pass, with {@code
 * Authorization: Bearer <operator token>}). {@code {version}} is the candidate's training job id or
 * its MLflow model version.
 */
@Path("/api/v1/evaluations/{model}/{version}")
public class EvaluationResource {

  private final EvaluationLookup lookup;
  private final EvaluationStore store;
  private final CandidateEvaluator evaluator;
  private final EvaluatorConfig config;

  EvaluationResource(
      EvaluationLookup lookup,
      EvaluationStore store,
      CandidateEvaluator evaluator,
      EvaluatorConfig config) {
    this.lookup = lookup;
    this.store = store;
    this.evaluator = evaluator;
    this.config = config;
  }

  /** The report as JSON. */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response get(@PathParam("model") String model, @PathParam("version") String version) {
    Response invalid = validate(model, version);
    if (invalid != null) {
      return invalid;
    }
    Optional<EvaluationReport> report = lookup.find(model, version);
    if (report.isEmpty()) {
      return notFound(model, version);
    }
    return Response.ok(report.get().toJson(), MediaType.APPLICATION_JSON).build();
  }

  /** The report as a self-contained HTML page. */
  @GET
  @Path("report.html")
  @Produces(MediaType.TEXT_HTML)
  public Response html(@PathParam("model") String model, @PathParam("version") String version) {
    Response invalid = validate(model, version);
    if (invalid != null) {
      return invalid;
    }
    Optional<String> page =
        lookup.find(model, version).flatMap(r -> store.html(r.modelName(), r.jobId()));
    if (page.isEmpty()) {
      return notFound(model, version);
    }
    return Response.ok(page.get(), MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
  }

  /** Forces a pass of a failed candidate. */
  @POST
  @Path("override")
  @Produces(MediaType.APPLICATION_JSON)
  public Response override(
      @PathParam("model") String model,
      @PathParam("version") String version,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      OverrideRequest body) {
    Optional<String> token = config.operatorToken().filter(t -> !t.isBlank());
    if (token.isEmpty()) {
      return ApiError.response(
          403,
          "overrides_disabled",
          "forced passes are disabled: set tuneloop.evaluator.operator-token"
              + " (TUNELOOP_EVALUATOR_OPERATOR_TOKEN) to enable them");
    }
    if (authorization == null
        || !authorization.startsWith("Bearer ")
        || !constantTimeEquals(authorization.substring(7).trim(), token.get())) {
      return Response.status(401)
          .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tuneloop-evaluator\"")
          .type(MediaType.APPLICATION_JSON)
          .entity(
              new ApiError(
                  401,
                  "unauthorized",
                  "send the operator token as 'Authorization: Bearer <token>'"))
          .build();
    }
    Response invalid = validate(model, version);
    if (invalid != null) {
      return invalid;
    }
    if (body == null) {
      return ApiError.response(
          400, "missing_body", "send {\"operator\": \"...\", \"reason\": \"...\"} as JSON");
    }
    if (body.operator() == null || body.operator().isBlank() || body.operator().length() > 200) {
      return ApiError.response(
          400, "invalid_operator", "'operator' must name who forces the pass (1-200 characters)");
    }
    if (body.reason() == null || body.reason().isBlank() || body.reason().length() > 2000) {
      return ApiError.response(
          400, "invalid_reason", "'reason' must say why the pass is forced (1-2000 characters)");
    }
    Optional<EvaluationReport> report = lookup.find(model, version);
    if (report.isEmpty()) {
      return notFound(model, version);
    }
    EvaluationReport forced;
    try {
      forced = evaluator.forcePass(report.get(), body.operator().trim(), body.reason().trim());
    } catch (IllegalStateException e) {
      return ApiError.response(409, "not_overridable", e.getMessage());
    }
    return Response.ok(forced.toJson(), MediaType.APPLICATION_JSON).build();
  }

  private static Response validate(String model, String version) {
    if (!model.matches(TuneloopEvent.NAME_REGEX)) {
      return ApiError.response(
          400,
          "invalid_model_name",
          "model name must be 1-128 letters, digits, '.', '_' or '-', was '" + model + "'");
    }
    if (!version.matches(TuneloopEvent.NAME_REGEX)) {
      return ApiError.response(
          400,
          "invalid_version",
          "version must be a training job id or an MLflow model version, was '" + version + "'");
    }
    return null;
  }

  private static Response notFound(String model, String version) {
    return ApiError.response(
        404,
        "evaluation_not_found",
        "no evaluation of model '"
            + model
            + "' for job or model version '"
            + version
            + "' (not evaluated yet, or never trained)");
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
