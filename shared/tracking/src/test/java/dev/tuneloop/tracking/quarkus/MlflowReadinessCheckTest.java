package dev.tuneloop.tracking.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tuneloop.tracking.MlflowHealthProbe;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class MlflowReadinessCheckTest {

  @Test
  void downWithTheReasonWhenNothingListens() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String uri = "http://127.0.0.1:" + closedPort;

    HealthCheckResponse response =
        new MlflowReadinessCheck(new MlflowHealthProbe(uri, Duration.ofSeconds(1))).call();

    assertThat(response.getName()).isEqualTo("mlflow");
    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    assertThat(response.getData())
        .hasValueSatisfying(
            data -> {
              assertThat(data).containsEntry("uri", uri);
              assertThat((String) data.get("error"))
                  .contains("cannot reach MLflow")
                  .contains("Connect");
            });
  }

  @Test
  void downWhenHealthAnswersAnError() throws IOException {
    HttpServer server = serve(503, "database unavailable");
    try {
      String uri = "http://127.0.0.1:" + server.getAddress().getPort();
      HealthCheckResponse response =
          new MlflowReadinessCheck(new MlflowHealthProbe(uri + "/", Duration.ofSeconds(1))).call();

      assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
      assertThat(response.getData().orElseThrow())
          .containsEntry("uri", uri)
          .containsEntry("error", "GET /health answered HTTP 503: database unavailable");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void upWhenHealthAnswersOk() throws IOException {
    HttpServer server = serve(200, "OK");
    try {
      String uri = "http://127.0.0.1:" + server.getAddress().getPort();
      HealthCheckResponse response =
          new MlflowReadinessCheck(new MlflowHealthProbe(uri, Duration.ofSeconds(1))).call();

      assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
      assertThat(response.getData().orElseThrow()).doesNotContainKey("error");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void malformedUriIsDownNotAnException() {
    HealthCheckResponse response =
        new MlflowReadinessCheck(new MlflowHealthProbe("ftp://mlflow", Duration.ofSeconds(1)))
            .call();

    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    assertThat((String) response.getData().orElseThrow().get("error")).contains("http(s) URL");
  }

  private static HttpServer serve(int status, String body) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/health",
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    return server;
  }
}
