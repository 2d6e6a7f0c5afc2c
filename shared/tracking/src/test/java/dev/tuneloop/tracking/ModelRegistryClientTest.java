package dev.tuneloop.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.tracking.FakeMlflowServer.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Error paths of the registry's REST mapping, against a scripted server (the IT covers the rest).
 */
class ModelRegistryClientTest {

  private static final String CREATE = "/api/2.0/mlflow/registered-models/create";
  private static final String GET = "/api/2.0/mlflow/registered-models/get";
  private static final String ALIAS = "/api/2.0/mlflow/registered-models/alias";
  private static final String MODEL =
      "{\"registered_model\": {\"name\": \"spam\", \"creation_timestamp\": 1,"
          + " \"aliases\": [{\"alias\": \"champion\", \"version\": \"2\"}],"
          + " \"tags\": [{\"key\": \"team\", \"value\": \"ml\"}]}}";

  private final FakeMlflowServer server;
  private final List<Duration> sleeps = new ArrayList<>();
  private final ModelRegistryClient registry;

  ModelRegistryClientTest() throws Exception {
    server = new FakeMlflowServer();
    TrackingSettings settings = TrackingSettings.forUri(server.uri());
    Retrier retrier = new Retrier(settings.retry(), sleeps::add, System::nanoTime, () -> 0.5);
    registry = new ModelRegistryClient(new MlflowHttp(settings), retrier);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void retriesServerErrorsThenSucceeds() {
    server.on(
        CREATE,
        Reply.error(503, "TEMPORARILY_UNAVAILABLE", "database is locked"),
        Reply.json(500, "Internal Server Error"),
        Reply.json(200, MODEL));

    RegisteredModel model = registry.getOrCreateRegisteredModel("spam", "", Map.of("team", "ml"));

    assertThat(model.name()).isEqualTo("spam");
    assertThat(model.versionOf("champion")).contains("2");
    assertThat(model.tags()).containsEntry("team", "ml");
    assertThat(server.requestsTo(CREATE)).hasSize(3);
    assertThat(sleeps).hasSize(2);
    assertThat(server.requestsTo(CREATE).get(0).body())
        .contains("\"name\":\"spam\"")
        .contains("{\"key\":\"team\",\"value\":\"ml\"}");
  }

  @Test
  void createOfAnExistingModelReturnsItWithoutRetrying() {
    server
        .on(
            CREATE,
            Reply.error(
                400, "RESOURCE_ALREADY_EXISTS", "Registered Model (name=spam) already exists."))
        .on(GET, Reply.json(200, MODEL));

    RegisteredModel model = registry.getOrCreateRegisteredModel("spam", "", Map.of());

    assertThat(model.name()).isEqualTo("spam");
    assertThat(server.requestsTo(CREATE)).hasSize(1);
    assertThat(server.requestsTo(GET))
        .singleElement()
        .extracting(r -> r.query())
        .isEqualTo("name=spam");
    assertThat(sleeps).isEmpty();
  }

  @Test
  void clientErrorsCarryMlflowsErrorCodeAndAreNotRetried() {
    server.on(
        GET,
        Reply.error(404, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=spam not found"));

    assertThatThrownBy(() -> registry.getRegisteredModel("spam"))
        .isInstanceOfSatisfying(
            MlflowApiException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
              assertThat(e.httpStatus()).isEqualTo(404);
              assertThat(e.serverMessage()).isEqualTo("Registered Model with name=spam not found");
            })
        .hasMessageContaining("get registered model 'spam'");
    assertThat(registry.findRegisteredModel("spam")).isEmpty();
    assertThat(server.requestsTo(GET)).hasSize(2);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void unsetAliasIsEmptyWhileOtherInvalidRequestsStillFail() {
    server
        .on(
            ALIAS,
            Reply.error(
                400, "INVALID_PARAMETER_VALUE", "Registered model alias challenger not found."))
        .on(GET, Reply.json(200, MODEL));

    assertThat(registry.getVersionByAlias("spam", "challenger")).isEmpty();

    // MLflow says the alias is unknown, yet the model lists it: not an "unset alias", so it fails.
    assertThatThrownBy(() -> registry.getVersionByAlias("spam", "champion"))
        .isInstanceOf(MlflowApiException.class)
        .hasMessageContaining("INVALID_PARAMETER_VALUE");
  }

  @Test
  void aliasReadOfAMissingModelIsEmpty() {
    server.on(
        ALIAS,
        Reply.error(404, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=x not found"));

    assertThat(registry.getVersionByAlias("x", "champion")).isEmpty();
  }

  @Test
  void deleteAliasSendsAJsonBodyWithDelete() {
    server.on(ALIAS, Reply.json(200, "{}"));

    registry.deleteAlias("spam", "champion");

    assertThat(server.requestsTo(ALIAS))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method()).isEqualTo("DELETE");
              assertThat(r.body()).isEqualTo("{\"name\":\"spam\",\"alias\":\"champion\"}");
            });
  }

  @Test
  void invalidNamesFailBeforeAnyRequest() {
    assertThatThrownBy(() -> registry.setAlias("spam", "latest", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.getModelVersion("a/b", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void unreachableServerIsReportedAfterTheRetryBudget() throws Exception {
    String closed = server.uri();
    server.close();
    TrackingSettings settings =
        TrackingSettings.forUri(closed)
            .withRetry(
                new RetryPolicy(
                    3, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(5)));
    ModelRegistryClient offline =
        new ModelRegistryClient(
            new MlflowHttp(settings),
            new Retrier(settings.retry(), sleeps::add, System::nanoTime, () -> 0.5));

    assertThatThrownBy(() -> offline.getRegisteredModel("spam"))
        .isInstanceOfSatisfying(
            TrackingUnavailableException.class, e -> assertThat(e.attempts()).isEqualTo(3))
        .hasMessageContaining("failed after 3 attempts")
        .hasMessageContaining("Could not reach MLflow at " + closed);
    assertThat(sleeps).hasSize(2);
  }
}
