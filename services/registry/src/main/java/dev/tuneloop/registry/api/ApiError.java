package dev.tuneloop.registry.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The body of every error answer.
 *
 * @param status the HTTP status
 * @param error a short code, e.g. {@code missing_reason}
 * @param detail what was wrong and how to fix it
 */
public record ApiError(int status, String error, String detail) {

  /** A response carrying this error. */
  public static Response response(int status, String error, String detail) {
    Response.ResponseBuilder builder =
        Response.status(status)
            .type(MediaType.APPLICATION_JSON)
            .entity(new ApiError(status, error, detail));
    if (status == 401) {
      builder.header("WWW-Authenticate", "Bearer realm=\"tuneloop-registry\"");
    }
    return builder.build();
  }
}
