package dev.tuneloop.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.tracking.FakeMlflowServer.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mlflow-client wrapper against a scripted server: that our timeouts and single-attempt caller
 * are in place (the client itself would retry every 4xx three times and wait forever), and that its
 * exceptions become ours.
 */
class TrackingClientTest {

  private static final String RUN_ID = "503ddaf57b3c4ead90b2f8daf07bfa5e";
  private static final String LOG_BATCH = "/api/2.0/mlflow/runs/log-batch";
  private static final String GET_RUN = "/api/2.0/mlflow/runs/get";
  private static final String GET_BY_NAME = "/api/2.0/mlflow/experiments/get-by-name";
  private static final String CREATE_EXPERIMENT = "/api/2.0/mlflow/experiments/create";

  private final FakeMlflowServer server;
  private final List<Duration> sleeps = new ArrayList<>();
  private final MlflowConnectionParts parts;

  /** The pieces MlflowConnection wires, with a retrier that does not really sleep. */
  private record MlflowConnectionParts(
      org.mlflow.tracking.MlflowClient javaClient, TrackingClient tracking) {}

  TrackingClientTest() throws Exception {
    server = new FakeMlflowServer();
    parts = connect(TrackingSettings.forUri(server.uri()));
  }

  private MlflowConnectionParts connect(TrackingSettings settings) {
    org.mlflow.tracking.MlflowClient javaClient = MlflowJavaClientFactory.create(settings);
    Retrier retrier = new Retrier(settings.retry(), sleeps::add, System::nanoTime, () -> 0.5);
    return new MlflowConnectionParts(
        javaClient, new TrackingClient(javaClient, retrier, settings.uri().toString()));
  }

  @AfterEach
  void stop() {
    parts.javaClient().close();
    server.close();
  }

  @Test
  void clientErrorIsSentOnceAndCarriesMlflowsErrorCode() {
    server.on(
        GET_RUN, Reply.error(404, "RESOURCE_DOES_NOT_EXIST", "Run '" + RUN_ID + "' not found"));

    assertThatThrownBy(() -> parts.tracking().getRun(RUN_ID))
        .isInstanceOfSatisfying(
            MlflowApiException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
              assertThat(e.httpStatus()).isEqualTo(404);
            })
        .hasMessageContaining("get run " + RUN_ID);
    assertThat(parts.tracking().findRun(RUN_ID)).isEmpty();
    assertThat(server.requestsTo(GET_RUN)).hasSize(2);
  }

  @Test
  void serverErrorsAreRetriedWithBackoff() {
    server.on(
        GET_RUN,
        Reply.json(502, "<html>Bad Gateway</html>"),
        Reply.json(
            200,
            "{\"run\": {\"info\": {\"run_id\": \""
                + RUN_ID
                + "\", \"experiment_id\": \"1\", \"run_name\": \"r\", \"status\": \"FINISHED\","
                + " \"start_time\": 5, \"end_time\": 9, \"artifact_uri\":"
                + " \"mlflow-artifacts:/1/"
                + RUN_ID
                + "/artifacts\"}, \"data\": {\"params\": [{\"key\": \"lr\", \"value\": \"0.1\"}],"
                + " \"metrics\": [{\"key\": \"loss\", \"value\": 0.5, \"timestamp\": 7, \"step\": 3}],"
                + " \"tags\": [{\"key\": \"job\", \"value\": \"j1\"}]}}}"));

    TrackedRun run = parts.tracking().getRun(RUN_ID);

    assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.endTimeMillis()).contains(9L);
    assertThat(run.params()).containsEntry("lr", "0.1");
    assertThat(run.latestMetrics()).containsEntry("loss", 0.5);
    assertThat(run.tag("job")).contains("j1");
    assertThat(server.requestsTo(GET_RUN)).hasSize(2);
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void aHungServerTimesOutInsteadOfBlockingForever() {
    parts.javaClient().close();
    TrackingSettings impatient =
        TrackingSettings.forUri(server.uri())
            .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(200))
            .withRetry(RetryPolicy.NONE);
    MlflowConnectionParts slow = connect(impatient);
    server.on(GET_RUN, new Reply(200, "{}", 2000));
    try {
      assertThatThrownBy(() -> slow.tracking().getRun(RUN_ID))
          .isInstanceOf(TrackingUnavailableException.class)
          .hasMessageContaining("Could not reach MLflow")
          .hasMessageContaining("Read timed out");
    } finally {
      slow.javaClient().close();
    }
  }

  @Test
  void metricsAreSentInBatchesWithinMlflowsLimits() throws Exception {
    server.on(LOG_BATCH, Reply.json(200, "{}"));
    List<MetricPoint> points = new ArrayList<>();
    for (int step = 0; step < 2100; step++) {
      points.add(new MetricPoint("train/loss", 1.0 / (step + 1), 1_000 + step, step));
    }

    int requests =
        parts.tracking().logBatch(RUN_ID, points, Map.of("lr", "0.001"), Map.of("job", "j1"));

    assertThat(requests).isEqualTo(3);
    ObjectMapper json = new ObjectMapper();
    List<Integer> metricsPerRequest = new ArrayList<>();
    int params = 0;
    for (FakeMlflowServer.Request request : server.requestsTo(LOG_BATCH)) {
      JsonNode body = json.readTree(request.body());
      assertThat(body.path("run_id").asText()).isEqualTo(RUN_ID);
      metricsPerRequest.add(body.path("metrics").size());
      params += body.path("params").size();
    }
    assertThat(metricsPerRequest).containsExactly(1000, 1000, 100);
    assertThat(params).isEqualTo(1);
  }

  @Test
  void invalidKeysFailBeforeAnythingIsSent() {
    assertThatThrownBy(() -> parts.tracking().logParams(RUN_ID, Map.of("ok", "1", "bad,key", "2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad,key");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void experimentCreatedConcurrentlyByAnotherProcessIsReused() {
    server
        .on(
            GET_BY_NAME,
            Reply.error(
                404, "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name 'spam'"),
            Reply.json(
                200,
                "{\"experiment\": {\"experiment_id\": \"7\", \"name\": \"spam\","
                    + " \"lifecycle_stage\": \"active\"}}"))
        .on(
            CREATE_EXPERIMENT,
            Reply.error(400, "RESOURCE_ALREADY_EXISTS", "Experiment(name=spam) already exists."));

    assertThat(parts.tracking().getOrCreateExperiment("spam")).isEqualTo("7");
    assertThat(server.requestsTo(CREATE_EXPERIMENT)).hasSize(1);
    assertThat(server.requestsTo(GET_BY_NAME)).hasSize(2);
  }

  @Test
  void deletedExperimentExplainsHowToFreeTheName() {
    server.on(
        GET_BY_NAME,
        Reply.json(
            200,
            "{\"experiment\": {\"experiment_id\": \"3\", \"name\": \"spam\","
                + " \"lifecycle_stage\": \"deleted\"}}"));

    assertThatThrownBy(() -> parts.tracking().getOrCreateExperiment("spam"))
        .isInstanceOf(TrackingException.class)
        .hasMessageContaining("is deleted")
        .hasMessageContaining("mlflow experiments restore --experiment-id 3");
  }

  @Test
  void onlyTerminalStatusesEndARun() {
    assertThatThrownBy(() -> parts.tracking().endRun(RUN_ID, RunStatus.RUNNING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FINISHED, FAILED or KILLED");
  }
}
