package dev.tuneloop.monitor.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.EventJson;
import dev.tuneloop.events.TuneloopEvent;
import dev.tuneloop.monitor.domain.ModelSnapshot;
import dev.tuneloop.monitor.domain.MonitorEngine;
import dev.tuneloop.monitor.domain.PolicyState;
import dev.tuneloop.monitor.messaging.DeploymentTracker;
import dev.tuneloop.monitor.messaging.PolicyService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** {@code GET /api/v1/monitoring/{model}}: windows, drift tests, health per version, policy. */
@Path("/api/v1/monitoring")
public class MonitoringResource {

  private static final Pattern NAME = Pattern.compile(TuneloopEvent.NAME_REGEX);
  // the events' JSON conventions (lower-case enums, RFC 3339 times, no nulls)
  private static final ObjectMapper JSON = EventJson.newObjectMapper();

  private final MonitorEngine engine;
  private final DeploymentTracker deployments;
  private final PolicyService policy;

  MonitoringResource(MonitorEngine engine, DeploymentTracker deployments, PolicyService policy) {
    this.engine = engine;
    this.deployments = deployments;
    this.policy = policy;
  }

  /**
   * The monitoring view of a model.
   *
   * @param model the model
   * @param versions per version and arm: open window, last health, last drift
   * @param recentDrift latest drift alarms, newest first
   * @param deployment champion and challenger as the registry last published them
   * @param profiles the versions whose reference profile is loaded (their windows are tested)
   * @param profileErrors why a deployed version's reference profile could not be read
   * @param retraining the retraining policy's state
   */
  public record MonitoringView(
      String model,
      List<ModelSnapshot.VersionSnapshot> versions,
      List<dev.tuneloop.events.DriftDetected> recentDrift,
      @Nullable DeploymentState deployment,
      List<String> profiles,
      Map<String, String> profileErrors,
      @Nullable PolicyState retraining) {}

  /** The view of {@code model}: 400 for an invalid name, 404 for a model never seen. */
  @GET
  @Path("/{model}")
  @Produces(MediaType.APPLICATION_JSON)
  public Response get(@PathParam("model") String model) throws JsonProcessingException {
    if (!NAME.matcher(model).matches()) {
      return ApiError.response(
          400,
          "invalid_model_name",
          "model must be 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit");
    }
    Optional<ModelSnapshot> snapshot = engine.snapshot(model);
    Optional<DeploymentState> deployment = deployments.state(model);
    Optional<PolicyState> retraining = policy.state(model);
    if (snapshot.isEmpty() && deployment.isEmpty() && retraining.isEmpty()) {
      return ApiError.response(
          404,
          "model_not_found",
          "the monitor has seen no predictions, deployment or retraining state for model " + model);
    }
    MonitoringView view =
        new MonitoringView(
            model,
            snapshot.map(ModelSnapshot::versions).orElse(List.of()),
            snapshot.map(ModelSnapshot::recentDrift).orElse(List.of()),
            deployment.orElse(null),
            engine.profileVersions(model),
            deployments.profileErrors(model),
            retraining.orElse(null));
    return Response.ok(JSON.writeValueAsString(view), MediaType.APPLICATION_JSON).build();
  }
}
