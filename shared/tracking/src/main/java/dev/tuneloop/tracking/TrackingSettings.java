package dev.tuneloop.tracking;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where MLflow is and how patiently to talk to it.
 *
 * @param uri the tracking server, e.g. {@code http://127.0.0.1:5000} (a path prefix such as {@code
 *     https://host/mlflow} is kept)
 * @param connectTimeout how long to wait for a TCP connection
 * @param requestTimeout how long one API call may take before it counts as failed
 * @param artifactTimeout how long one artifact upload or download may take
 * @param retry how transient failures are retried
 */
public record TrackingSettings(
    URI uri,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration artifactTimeout,
    RetryPolicy retry) {

  /** Checks the values and drops a trailing slash from {@code uri}. */
  public TrackingSettings {
    Objects.requireNonNull(uri, "uri");
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("requestTimeout", requestTimeout);
    requirePositive("artifactTimeout", artifactTimeout);
    Objects.requireNonNull(retry, "retry");
    String scheme = uri.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "MLflow tracking URI must be an http(s) URL with a host, e.g. http://127.0.0.1:5000; got '"
              + uri
              + "'");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "MLflow tracking URI must not have a query or fragment; got '" + uri + "'");
    }
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    uri = URI.create(text);
  }

  /** Settings for {@code uri} with 5 s connect, 30 s request, 10 min artifact timeouts. */
  public static TrackingSettings forUri(String uri) {
    Objects.requireNonNull(uri, "uri");
    return new TrackingSettings(
        parse(uri),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        Duration.ofMinutes(10),
        RetryPolicy.DEFAULT);
  }

  /** The same settings with another retry policy. */
  public TrackingSettings withRetry(RetryPolicy policy) {
    return new TrackingSettings(uri, connectTimeout, requestTimeout, artifactTimeout, policy);
  }

  /** The same settings with other connect and request timeouts. */
  public TrackingSettings withTimeouts(Duration connect, Duration request) {
    return new TrackingSettings(uri, connect, request, artifactTimeout, retry);
  }

  /** Parses a tracking URI, with a message that names the setting when it is malformed. */
  public static URI parse(String uri) {
    try {
      return URI.create(uri.strip());
    } catch (IllegalArgumentException malformed) {
      throw new IllegalArgumentException(
          "MLflow tracking URI is not a valid URI: '" + uri + "' (" + malformed.getMessage() + ")",
          malformed);
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
