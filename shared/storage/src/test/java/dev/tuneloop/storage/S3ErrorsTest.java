package dev.tuneloop.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.errors.XmlParserException;
import io.minio.messages.ErrorResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3ErrorsTest {

  /** An S3 error as the client reports it for an XML error response. */
  static ErrorResponseException s3Error(String code, int status) {
    Response response =
        new Response.Builder()
            .request(new Request.Builder().url("http://127.0.0.1:9000/bucket/key").build())
            .protocol(Protocol.HTTP_1_1)
            .code(status)
            .message("status " + status)
            .build();
    return new ErrorResponseException(
        new ErrorResponse(code, "message of " + code, "bucket", "key", "/bucket/key", "r", "h"),
        response,
        null);
  }

  @ParameterizedTest
  @CsvSource({
    "SlowDown, 503, true",
    "InternalError, 500, true",
    "RequestTimeout, 400, true",
    "ServiceUnavailable, 503, true",
    "XMinioServerNotInitialized, 503, true",
    "SomethingNew, 502, true",
    "TooManyRequests, 429, true",
    "NoSuchKey, 404, false",
    "NoSuchBucket, 404, false",
    "AccessDenied, 403, false",
    "InvalidAccessKeyId, 403, false",
    "SignatureDoesNotMatch, 403, false",
    "PreconditionFailed, 412, false",
    "InvalidArgument, 400, false"
  })
  void classifiesS3ErrorCodes(String code, int status, boolean transientError) {
    assertThat(S3Errors.isTransient(s3Error(code, status))).isEqualTo(transientError);
  }

  @Test
  void networkFailuresAreTransient() {
    assertThat(S3Errors.isTransient(new ConnectException("Connection refused"))).isTrue();
    assertThat(S3Errors.isTransient(new SocketTimeoutException("timeout"))).isTrue();
    assertThat(S3Errors.isTransient(new IOException("unexpected end of stream"))).isTrue();
    assertThat(S3Errors.isTransient(new CompletionException(new ConnectException("x")))).isTrue();
  }

  @Test
  void localAndPermanentFailuresAreNot() {
    assertThat(S3Errors.isTransient(new AccessDeniedException("/tmp/x"))).isFalse();
    assertThat(S3Errors.isTransient(new InterruptedIOException("interrupted"))).isFalse();
    assertThat(S3Errors.isTransient(new SSLHandshakeException("untrusted"))).isFalse();
    assertThat(S3Errors.isTransient(new XmlParserException(new Exception("bad xml")))).isFalse();
    assertThat(S3Errors.isTransient(new IllegalArgumentException("bad"))).isFalse();
    assertThat(S3Errors.isTransient(new IntegrityException("b", "k", "sha256", "a", "b")))
        .isFalse();
  }

  @Test
  void serverErrorsWithoutXmlAreClassifiedByStatus() {
    assertThat(S3Errors.isTransient(new ServerException("x", 503, null))).isTrue();
    assertThat(S3Errors.isTransient(new ServerException("x", 304, null))).isFalse();
    assertThat(
            S3Errors.isTransient(
                new InvalidResponseException(502, "text/html", "<html>Bad Gateway</html>", null)))
        .isTrue();
    assertThat(
            S3Errors.isTransient(
                new InvalidResponseException(403, "text/html", "<html>Forbidden</html>", null)))
        .isFalse();
  }

  @Test
  void describesErrorsWithCodeAndHint() {
    assertThat(S3Errors.errorCode(s3Error("NoSuchKey", 404))).contains("NoSuchKey");
    assertThat(S3Errors.errorCode(new IOException("x"))).isEmpty();
    assertThat(S3Errors.describe(s3Error("AccessDenied", 403)))
        .contains("AccessDenied", "HTTP 403", "access-key");
    assertThat(S3Errors.describe(new ConnectException("Connection refused")))
        .contains("cannot connect", "Connection refused");
  }
}
