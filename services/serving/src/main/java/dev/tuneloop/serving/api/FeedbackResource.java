package dev.tuneloop.serving.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneloop.events.Feedback;
import dev.tuneloop.serving.domain.FeedbackIntake;
import dev.tuneloop.serving.domain.RequestRejectedException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/v1/feedback} with {@code {"requestId": ..., "model": ..., "label": ...,
 * "annotator": ...}}: publishes the true label on {@code tuneloop.feedback} and answers 202 once
 * Kafka has it.
 */
@Path("/api/v1/feedback")
@Produces(MediaType.APPLICATION_JSON)
public class FeedbackResource {

  private final FeedbackIntake intake;

  FeedbackResource(FeedbackIntake intake) {
    this.intake = intake;
  }

  /** Records one true label. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response submit(@Nullable String body) {
    JsonNode request = JsonBodies.object(body);
    String label = JsonBodies.optionalText(request, "label", "");
    if (label == null) {
      label = JsonBodies.optionalText(request, "trueLabel", "");
    }
    String model = JsonBodies.optionalText(request, "model", "");
    if (model == null) {
      model = JsonBodies.optionalText(request, "modelName", "");
    }
    Feedback feedback =
        intake.submit(
            JsonBodies.optionalText(request, "requestId", ""),
            model,
            label,
            JsonBodies.optionalText(request, "annotator", ""));
    return Response.accepted(
            Map.of(
                "requestId", feedback.requestId(),
                "model", feedback.modelName(),
                "label", feedback.trueLabel()))
        .build();
  }

  @ServerExceptionMapper
  Response rejected(RequestRejectedException e) {
    return ApiError.response(e);
  }
}
