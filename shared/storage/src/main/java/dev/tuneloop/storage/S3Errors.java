package dev.tuneloop.storage;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.FileSystemException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Classifies the errors of the MinIO client (which speaks plain S3 to any store): which are
 * transient and worth a retry, and how to describe them to a user.
 */
final class S3Errors {

  /**
   * S3 error codes that say "try again later". The rest of the 4xx codes (NoSuchKey, AccessDenied,
   * InvalidAccessKeyId, NoSuchBucket, ...) will fail the same way on every retry.
   */
  static final Set<String> TRANSIENT_CODES =
      Set.of(
          "SlowDown",
          "InternalError",
          "RequestTimeout",
          "ServiceUnavailable",
          "TooManyRequests",
          "OperationAborted",
          // MinIO-specific: the server or its erasure set is still starting or temporarily short
          // of disks.
          "XMinioServerNotInitialized",
          "XMinioReadQuorum",
          "XMinioWriteQuorum");

  /** The client reports a non-XML error page (e.g. from a proxy) only through its message. */
  private static final Pattern RESPONSE_CODE = Pattern.compile("Response code: (\\d{3})");

  private S3Errors() {}

  /** Whether retrying the request that failed with {@code error} may succeed. */
  static boolean isTransient(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ErrorResponseException response) {
      String code = response.errorResponse() == null ? null : response.errorResponse().code();
      return TRANSIENT_CODES.contains(code) || isTransientStatus(status(response));
    }
    if (e instanceof ServerException server) {
      return isTransientStatus(server.statusCode());
    }
    if (e instanceof InvalidResponseException invalid) {
      Matcher matcher = RESPONSE_CODE.matcher(String.valueOf(invalid.getMessage()));
      return matcher.find() && isTransientStatus(Integer.parseInt(matcher.group(1)));
    }
    if (e instanceof IOException io) {
      return isTransientIo(io);
    }
    return false;
  }

  /**
   * The S3 error code ({@code NoSuchKey}, {@code AccessDenied}, ...) of an error, if it has one.
   */
  static Optional<String> errorCode(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ErrorResponseException response && response.errorResponse() != null) {
      return Optional.ofNullable(response.errorResponse().code());
    }
    return Optional.empty();
  }

  /** A one-line description of an error, for exception messages. */
  static String describe(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ErrorResponseException response && response.errorResponse() != null) {
      String code = response.errorResponse().code();
      String message = response.errorResponse().message();
      String hint =
          switch (String.valueOf(code)) {
            case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch" ->
                " (check tuneloop.storage.access-key / secret-key and the key's bucket policy)";
            case "NoSuchBucket" ->
                " (create the bucket, e.g. with ObjectStore.ensureBuckets(), or fix the name)";
            default -> "";
          };
      return "S3 error " + code + " (HTTP " + status(response) + "): " + message + hint;
    }
    if (e instanceof ServerException server) {
      return "the server answered HTTP " + server.statusCode();
    }
    if (e instanceof java.net.ConnectException) {
      return "cannot connect to the S3 endpoint (" + e.getMessage() + "); is the server running?";
    }
    return e.toString();
  }

  private static boolean isTransientIo(IOException e) {
    // Local file problems (no space, no permission, missing file) do not heal by retrying.
    if (e instanceof FileSystemException || e instanceof FileNotFoundException) {
      return false;
    }
    // An interrupted thread wants to stop; a socket timeout is the network being slow.
    if (e instanceof InterruptedIOException || e instanceof ClosedByInterruptException) {
      return e instanceof SocketTimeoutException;
    }
    // A certificate that is not trusted now will not be trusted in a second either.
    if (e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException) {
      return false;
    }
    // Connection refused or reset, unexpected end of stream, DNS hiccups: the network or a
    // restarting server.
    return true;
  }

  private static boolean isTransientStatus(int status) {
    return status >= 500 || status == 429 || status == 408;
  }

  private static int status(ErrorResponseException response) {
    return response.response() == null ? -1 : response.response().code();
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e.getCause() != null
        && (e instanceof CompletionException
            || e instanceof ExecutionException
            || e instanceof UncheckedIOException
            // The client wraps unexpected checked exceptions in a bare RuntimeException.
            || e.getClass() == RuntimeException.class)) {
      e = e.getCause();
    }
    return e;
  }
}
