package dev.tuneloop.serving.api;

import dev.tuneloop.serving.domain.RequestRejectedException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The body of every error answer under {@code /api/v1}.
 *
 * @param status the HTTP status
 * @param error a short code, e.g. {@code unknown_model}
 * @param detail what was wrong and how to fix it
 */
public record ApiError(int status, String error, String detail) {

  /** A response carrying this error. */
  public static Response response(int status, String error, String detail) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(new ApiError(status, error, detail))
        .build();
  }

  /** The answer to a rejected request, with Retry-After on 503. */
  public static Response response(RequestRejectedException e) {
    Response.ResponseBuilder builder =
        Response.status(e.reason().status())
            .type(MediaType.APPLICATION_JSON)
            .entity(new ApiError(e.reason().status(), e.reason().code(), e.getMessage()));
    if (e.retryAfterSeconds() != null) {
      builder.header("Retry-After", e.retryAfterSeconds());
    }
    return builder.build();
  }
}
