package dev.tuneloop.trainer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.EventJson;
import dev.tuneloop.events.InvalidEventException;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TuneloopEvent;
import dev.tuneloop.trainer.domain.JobRecords;
import dev.tuneloop.trainer.domain.JobTracker;
import dev.tuneloop.trainer.domain.TrainingJobRunner;
import dev.tuneloop.trainer.messaging.ActiveJobs;
import dev.tuneloop.trainer.messaging.EventPublisher;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Training jobs over HTTP: {@code POST} publishes a {@code tuneloop.training.requested} event (any
 * worker of the group takes it), {@code GET} shows the job's latest status, {@code DELETE} cancels
 * it at its next step.
 */
@Path("/api/v1/training-jobs")
@Produces(MediaType.APPLICATION_JSON)
public class TrainingJobResource {

  private static final Pattern JOB_ID = Pattern.compile(TuneloopEvent.NAME_REGEX);
  private static final ObjectMapper JSON = EventJson.newObjectMapper();

  private final EventPublisher publisher;
  private final JobRecords records;
  private final ActiveJobs active;

  TrainingJobResource(EventPublisher publisher, TrainingJobRunner runner, ActiveJobs active) {
    this.publisher = publisher;
    this.records = runner.records();
    this.active = active;
  }

  /**
   * Requests a job. The body is a {@code TrainingRequested} event's data; {@code jobId} (default: a
   * new one), {@code reason} (default {@code manual}), {@code hyperparameters} (default: the
   * trainer's) and {@code requestedAt} (default: now) may be left out.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response submit(byte[] body) {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      return ApiError.response(400, "invalid_json", "the body is not JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      return ApiError.response(400, "invalid_request", "the body must be a JSON object");
    }
    ObjectNode request = (ObjectNode) node;
    if (!request.hasNonNull("jobId")) {
      request.put("jobId", "job-" + UUID.randomUUID());
    }
    if (!request.hasNonNull("reason")) {
      request.put("reason", "manual");
    }
    if (!request.hasNonNull("hyperparameters")) {
      request.putObject("hyperparameters");
    }
    if (!request.hasNonNull("requestedAt")) {
      request.put("requestedAt", Instant.now().toString());
    }
    TrainingRequested job;
    try {
      job =
          EventJson.decode(
              TrainingRequested.class, request.toString().getBytes(StandardCharsets.UTF_8));
    } catch (InvalidEventException e) {
      return ApiError.response(400, "invalid_request", e.getMessage());
    }
    if (records.modelOf(job.jobId()).isPresent()) {
      return ApiError.response(
          409,
          "job_exists",
          "job " + job.jobId() + " was requested before; GET /api/v1/training-jobs/" + job.jobId());
    }
    try {
      publisher.publish(EventEnvelope.startLoop(job, TrainingJobRunner.SOURCE));
    } catch (IllegalStateException e) {
      return ApiError.response(
          503, "kafka_unavailable", "the job was not requested: " + e.getMessage());
    }
    records.index(job.jobId(), job.modelName());
    ObjectNode answer = JSON.createObjectNode();
    answer.put("jobId", job.jobId());
    answer.put("modelName", job.modelName());
    answer.put("state", "submitted");
    answer.put("statusUrl", "/api/v1/training-jobs/" + job.jobId());
    return Response.accepted(answer)
        .location(URI.create("/api/v1/training-jobs/" + job.jobId()))
        .build();
  }

  /** The job's latest status. */
  @GET
  @Path("/{id}")
  public Response status(@PathParam("id") String id) {
    if (!JOB_ID.matcher(id).matches()) {
      return invalidId(id);
    }
    Optional<JobTracker> live = active.get(id);
    if (live.isPresent() && live.get().state() != null) {
      return Response.ok(JobRecords.statusJson(live.get().snapshot())).build();
    }
    Optional<String> model = records.modelOf(id);
    if (model.isEmpty()) {
      return notFound(id);
    }
    return Response.ok(
            records
                .status(model.get(), id)
                .orElseGet(
                    () -> {
                      ObjectNode submitted = JSON.createObjectNode();
                      submitted.put("jobId", id);
                      submitted.put("modelName", model.get());
                      submitted.put("state", "submitted");
                      return submitted;
                    }))
        .build();
  }

  /** Cancels the job at its next step (202), or says it already ended (409). */
  @DELETE
  @Path("/{id}")
  public Response cancel(@PathParam("id") String id) {
    if (!JOB_ID.matcher(id).matches()) {
      return invalidId(id);
    }
    Optional<String> model = records.modelOf(id);
    Optional<JobTracker> live = active.get(id);
    if (model.isEmpty() && live.isEmpty()) {
      return notFound(id);
    }
    String modelName = live.map(JobTracker::modelName).orElseGet(model::get);
    if (records.result(modelName, id).isPresent()) {
      return ApiError.response(
          409,
          "job_finished",
          "job " + id + " has ended (" + records.result(modelName, id).get().state() + ")");
    }
    live.ifPresent(JobTracker::requestCancel);
    records.requestCancel(modelName, id);
    ObjectNode answer = JSON.createObjectNode();
    answer.put("jobId", id);
    answer.put("modelName", modelName);
    answer.put("cancelRequested", true);
    return Response.accepted(answer).build();
  }

  private static Response invalidId(String id) {
    return ApiError.response(
        400,
        "invalid_job_id",
        "job id must be 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit,"
            + " was '"
            + id
            + "'");
  }

  private static Response notFound(String id) {
    return ApiError.response(404, "job_not_found", "no training job " + id);
  }
}
