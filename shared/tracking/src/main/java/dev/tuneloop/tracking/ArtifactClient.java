package dev.tuneloop.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's artifacts through MLflow's artifact proxy ({@code /api/2.0/mlflow-artifacts/}): upload,
 * download and list, streaming (no file is held in memory). The Java client's artifact methods are
 * never used: they start a Python process.
 *
 * <p>Runs are named by their artifact URI ({@link TrackedRun#artifactUri()}), e.g. {@code
 * mlflow-artifacts:/1/<run>/artifacts}; paths are relative to it, e.g. {@code model/config.json}.
 * Uploads overwrite. Thread-safe.
 */
public final class ArtifactClient {

  /** Opens a fresh stream of the same bytes on every call, so that an upload can be retried. */
  @FunctionalInterface
  public interface StreamSource {
    /** A new stream positioned at the first byte. */
    InputStream open() throws IOException;
  }

  private final MlflowHttp http;
  private final Retrier retrier;
  private final Retrier once = new Retrier(RetryPolicy.NONE);

  ArtifactClient(MlflowHttp http, Retrier retrier) {
    this.http = http;
    this.retrier = retrier;
  }

  /** Uploads a file to {@code artifactPath} below the run's artifact root (retried as a whole). */
  public void upload(String artifactUri, String artifactPath, Path file) {
    String proxyPath = ArtifactRoot.resolve(artifactUri, artifactPath);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "cannot upload " + file + " as artifact '" + artifactPath + "': not a readable file");
    }
    String operation = "upload " + file + " to artifact '" + proxyPath + "'";
    retrier.run(
        operation,
        () -> {
          HttpRequest.BodyPublisher body;
          try {
            body = HttpRequest.BodyPublishers.ofFile(file);
          } catch (FileNotFoundException gone) {
            throw new UncheckedIOException("file to upload disappeared: " + file, gone);
          }
          http.putArtifact(operation, proxyPath, body);
        });
  }

  /**
   * Uploads the bytes {@code source} provides; each attempt opens a new stream.
   *
   * @param contentLength the number of bytes, or -1 if unknown (then sent chunked)
   */
  public void upload(
      String artifactUri, String artifactPath, StreamSource source, long contentLength) {
    String proxyPath = ArtifactRoot.resolve(artifactUri, artifactPath);
    String operation = "upload stream to artifact '" + proxyPath + "'";
    retrier.run(
        operation,
        () -> {
          try (InputStream in = source.open()) {
            http.putArtifact(operation, proxyPath, publisher(in, contentLength));
          } catch (IOException opening) {
            throw new UncheckedIOException(
                "cannot read the stream to upload as artifact '" + proxyPath + "'", opening);
          }
        });
  }

  /**
   * Uploads {@code in} once: a consumed stream cannot be replayed, so a transient failure is not
   * retried (use {@link #upload(String, String, StreamSource, long)} or a file for that). Reads
   * {@code in} to its end; the caller closes it.
   *
   * @param contentLength the number of bytes, or -1 if unknown (then sent chunked)
   */
  public void upload(String artifactUri, String artifactPath, InputStream in, long contentLength) {
    String proxyPath = ArtifactRoot.resolve(artifactUri, artifactPath);
    String operation = "upload stream to artifact '" + proxyPath + "'";
    once.run(operation, () -> http.putArtifact(operation, proxyPath, publisher(in, contentLength)));
  }

  /**
   * Opens an artifact for reading; the caller closes the stream. Failures before the first byte are
   * retried; a connection lost while reading surfaces as an {@link IOException} from the stream.
   */
  public InputStream open(String artifactUri, String artifactPath) {
    String proxyPath = ArtifactRoot.resolve(artifactUri, artifactPath);
    String operation = "download artifact '" + proxyPath + "'";
    return retrier.call(operation, () -> openOnce(operation, artifactUri, artifactPath, proxyPath));
  }

  /**
   * Downloads an artifact to {@code target} (replacing it), through a temporary file next to it so
   * that {@code target} never holds a partial download. Retried as a whole.
   *
   * @return the number of bytes written
   */
  public long download(String artifactUri, String artifactPath, Path target) {
    String proxyPath = ArtifactRoot.resolve(artifactUri, artifactPath);
    String operation = "download artifact '" + proxyPath + "' to " + target;
    Path directory = target.toAbsolutePath().getParent();
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + directory + " for " + target, e);
    }
    return retrier.call(
        operation,
        () -> {
          Path partial = null;
          try {
            partial = Files.createTempFile(directory, target.getFileName().toString(), ".part");
            long bytes;
            try (InputStream in = openOnce(operation, artifactUri, artifactPath, proxyPath);
                OutputStream out = Files.newOutputStream(partial)) {
              bytes = in.transferTo(out);
            }
            Files.move(
                partial,
                target,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
            partial = null;
            return bytes;
          } catch (IOException e) {
            // The body broke off mid-transfer (or the local disk failed): retry as a whole.
            throw new TrackingUnavailableException(
                "MLflow " + operation + " broke off: " + e, 1, e);
          } finally {
            deleteIfExists(partial);
          }
        });
  }

  /**
   * The files and directories directly inside {@code directory} ({@code ""} for the run's root),
   * with paths relative to the run's root. Empty if the directory does not exist.
   */
  public List<ArtifactEntry> list(String artifactUri, String directory) {
    String proxyDirectory =
        directory.isEmpty()
            ? ArtifactRoot.proxyPath(artifactUri)
            : ArtifactRoot.resolve(artifactUri, directory);
    String operation = "list artifacts in '" + proxyDirectory + "'";
    JsonNode response =
        retrier.call(operation, () -> http.listArtifacts(operation, proxyDirectory));
    List<ArtifactEntry> entries = new ArrayList<>();
    for (JsonNode file : response.path("files")) {
      // The proxy returns base names; make them relative to the run's root as MLflow's clients do.
      String name = file.path("path").asText();
      String path = directory.isEmpty() ? name : directory + "/" + name;
      entries.add(
          new ArtifactEntry(
              path, file.path("is_dir").asBoolean(false), file.path("file_size").asLong(0)));
    }
    return entries;
  }

  /** Every file (not directory) below {@code directory} ({@code ""} for all), depth first. */
  public List<ArtifactEntry> listFiles(String artifactUri, String directory) {
    List<ArtifactEntry> files = new ArrayList<>();
    for (ArtifactEntry entry : list(artifactUri, directory)) {
      if (entry.directory()) {
        files.addAll(listFiles(artifactUri, entry.path()));
      } else {
        files.add(entry);
      }
    }
    return files;
  }

  /**
   * One GET of an artifact. A proxy backed by S3 answers a missing file with HTTP 500 (its S3
   * client got a 404), which would otherwise be retried as a server failure; asking the parent
   * directory's listing tells "missing" (not retried) from a real server failure (retried).
   */
  private InputStream openOnce(
      String operation, String artifactUri, String artifactPath, String proxyPath) {
    try {
      return http.getArtifact(operation, proxyPath);
    } catch (MlflowApiException e) {
      if (e.httpStatus() < 500 || exists(operation, artifactUri, artifactPath)) {
        throw e;
      }
      MlflowApiException missing =
          new MlflowApiException(
              operation,
              404,
              MlflowApiException.RESOURCE_DOES_NOT_EXIST,
              "run artifacts at "
                  + artifactUri
                  + " have no file '"
                  + artifactPath
                  + "' (the server answered HTTP "
                  + e.httpStatus()
                  + " "
                  + e.errorCode()
                  + ")");
      missing.addSuppressed(e);
      throw missing;
    }
  }

  /** Whether the parent directory lists the file; true when that cannot be told. */
  private boolean exists(String operation, String artifactUri, String artifactPath) {
    int slash = artifactPath.lastIndexOf('/');
    String parent = slash < 0 ? "" : artifactPath.substring(0, slash);
    String proxyParent =
        parent.isEmpty()
            ? ArtifactRoot.proxyPath(artifactUri)
            : ArtifactRoot.resolve(artifactUri, parent);
    String name = artifactPath.substring(slash + 1);
    try {
      for (JsonNode file : http.listArtifacts(operation, proxyParent).path("files")) {
        if (name.equals(file.path("path").asText()) && !file.path("is_dir").asBoolean(false)) {
          return true;
        }
      }
      return false;
    } catch (TrackingException listingFailed) {
      return true;
    }
  }

  private static HttpRequest.BodyPublisher publisher(InputStream in, long contentLength) {
    HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> in);
    return contentLength >= 0
        ? HttpRequest.BodyPublishers.fromPublisher(stream, contentLength)
        : stream;
  }

  private static void deleteIfExists(Path partial) {
    if (partial == null) {
      return;
    }
    try {
      Files.deleteIfExists(partial);
    } catch (IOException cleanup) {
      System.getLogger(ArtifactClient.class.getName())
          .log(
              System.Logger.Level.WARNING, "could not delete partial download " + partial, cleanup);
    }
  }
}
