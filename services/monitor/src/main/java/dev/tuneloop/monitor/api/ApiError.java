package dev.tuneloop.monitor.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The body of every 4xx answer.
 *
 * @param status the HTTP status
 * @param error a short code, e.g. {@code invalid_model_name}
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
}
