package dev.tuneloop.tracking;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Maps a run's artifact URI to the path MLflow's artifact proxy serves it under.
 *
 * <p>A server started with {@code --serve-artifacts} (tuneloop's always is) gives runs artifact
 * URIs such as {@code mlflow-artifacts:/1/<run>/artifacts}, which it serves at {@code
 * /api/2.0/mlflow-artifacts/artifacts/1/<run>/artifacts/...} and stores wherever {@code
 * --artifacts-destination} says (the {@code tuneloop-mlflow} bucket). A host in the URI ({@code
 * mlflow-artifacts://host:port/...}) is ignored: the proxy of the configured server is used.
 */
final class ArtifactRoot {

  static final String SCHEME = "mlflow-artifacts";

  private ArtifactRoot() {}

  /** The proxy path of the artifact root, e.g. {@code 1/<run>/artifacts} (no leading slash). */
  static String proxyPath(String artifactUri) {
    if (artifactUri == null || artifactUri.isBlank()) {
      throw new IllegalArgumentException("run artifact URI must not be blank");
    }
    URI uri;
    try {
      uri = new URI(artifactUri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("run artifact URI is malformed: '" + artifactUri + "'", e);
    }
    if (!SCHEME.equals(uri.getScheme())) {
      throw new TrackingException(
          "Run artifacts live at '"
              + artifactUri
              + "', which is not behind MLflow's artifact proxy (mlflow-artifacts:/...). Start the"
              + " MLflow server with --serve-artifacts and --artifacts-destination, and create the"
              + " experiment without an explicit artifact location.");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path;
  }

  /** The proxy path of {@code artifactPath} below the run's root. */
  static String resolve(String artifactUri, String artifactPath) {
    checkRelativePath(artifactPath);
    String root = proxyPath(artifactUri);
    return root.isEmpty() ? artifactPath : root + "/" + artifactPath;
  }

  /**
   * Checks a path inside a run's artifacts: relative, {@code /}-separated, no empty, {@code .} or
   * {@code ..} segments (MLflow refuses those, and they could escape the run's directory).
   */
  static void checkRelativePath(String artifactPath) {
    if (artifactPath == null || artifactPath.isEmpty()) {
      throw new IllegalArgumentException("artifact path must not be empty");
    }
    if (artifactPath.startsWith("/") || artifactPath.contains("\\")) {
      throw new IllegalArgumentException(
          "artifact path '"
              + artifactPath
              + "' must be relative to the run's artifact root and use '/' as separator");
    }
    for (String segment : artifactPath.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "artifact path '"
                + artifactPath
                + "' has an empty, '.' or '..' segment; use a plain relative path such as"
                + " model/config.json");
      }
    }
  }
}
