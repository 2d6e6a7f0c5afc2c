package dev.tuneloop.tracking;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * Asks MLflow's {@code GET /health} whether the server is up, within a short timeout and without
 * retrying (a health check has to answer quickly, and is asked again anyway). Never throws.
 */
public final class MlflowHealthProbe {

  /**
   * The outcome of one probe.
   *
   * @param up whether MLflow answered {@code /health} with HTTP 200
   * @param uri the tracking server asked
   * @param detail {@code "OK"}, or what went wrong (status and body, or the connection error)
   * @param latency how long the probe took
   */
  public record Result(boolean up, String uri, String detail, Duration latency) {}

  private final URI healthUri;
  private final String serverUri;
  private final String configurationError;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param serverUri the tracking server, e.g. {@code http://127.0.0.1:5000}; a malformed one makes
   *     every probe report DOWN with the reason (a health check must not fail to start)
   * @param timeout how long to wait for the connection and for the answer, each
   */
  public MlflowHealthProbe(String serverUri, Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    String base = Objects.requireNonNullElse(serverUri, "").strip();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    this.serverUri = base;
    URI health = null;
    String error = null;
    try {
      // Same rules as the clients' settings: an http(s) URL with a host, no query.
      URI server =
          new TrackingSettings(URI.create(base), timeout, timeout, timeout, RetryPolicy.NONE).uri();
      health = URI.create(server + "/health");
    } catch (IllegalArgumentException malformed) {
      error = "tracking URI '" + serverUri + "' is not usable: " + malformed.getMessage();
    }
    this.healthUri = health;
    this.configurationError = error;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** Probes MLflow once. */
  public Result probe() {
    long start = System.nanoTime();
    if (configurationError != null) {
      return new Result(false, serverUri, configurationError, Duration.ZERO);
    }
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(healthUri).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      Duration latency = Duration.ofNanos(System.nanoTime() - start);
      if (response.statusCode() == 200) {
        return new Result(true, serverUri, "OK", latency);
      }
      return new Result(
          false,
          serverUri,
          "GET /health answered HTTP "
              + response.statusCode()
              + ": "
              + MlflowErrorBody.parse(response.body()).message(),
          latency);
    } catch (IOException e) {
      return new Result(
          false,
          serverUri,
          "cannot reach MLflow: " + e,
          Duration.ofNanos(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(
          false,
          serverUri,
          "interrupted while probing MLflow",
          Duration.ofNanos(System.nanoTime() - start));
    } catch (RuntimeException e) {
      return new Result(
          false, serverUri, "probe failed: " + e, Duration.ofNanos(System.nanoTime() - start));
    }
  }
}
