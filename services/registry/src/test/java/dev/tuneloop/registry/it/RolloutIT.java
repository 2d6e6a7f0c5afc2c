package dev.tuneloop.registry.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.Action;
import dev.tuneloop.events.DeploymentState.AuditEntry;
import dev.tuneloop.events.DeploymentState.Phase;
import dev.tuneloop.testing.RealStack;
import dev.tuneloop.testing.RealStackResource;
import dev.tuneloop.testing.StackEndpoints;
import dev.tuneloop.tracking.ModelRegistryClient;
import dev.tuneloop.tracking.ModelVersion;
import dev.tuneloop.tracking.RegisteredModel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The registry against the real Kafka and MLflow: verdicts and health windows are published as the
 * evaluator and monitor would; the test watches the deployment states, MLflow's versions and
 * aliases, and the REST API. Steps are tiny in the test profile (1 s, 50 samples per arm).
 */
@QuarkusTest
@QuarkusTestResource(RealStackResource.class)
class RolloutIT {

  private static final String OPERATOR = "Bearer it-operator-token-not-a-secret";
  private static final String VIEWER = "Bearer it-viewer-token-not-a-secret";

  @Inject ModelRegistryClient mlflow;

  private static RolloutTraffic traffic(String model) {
    StackEndpoints stack = RealStack.get();
    return new RolloutTraffic(stack.kafkaBootstrapServers(), stack.mlflowUri(), model);
  }

  /** Version 1 becomes champion, version 2 starts a rollout; returns the canary state. */
  private static DeploymentState championAndCanary(RolloutTraffic t) {
    t.publish(t.verdict("job-1", t.trainingRun("job-1"), true));
    t.await(s -> s.phase() == Phase.PROMOTED && "1".equals(s.champion().version()));
    t.publish(t.verdict("job-2", t.trainingRun("job-2"), true));
    return t.await(s -> s.phase() == Phase.CANARY);
  }

  @Test
  void passVerdictIsRegisteredAndHealthyStepsPromoteIt() {
    String model = RolloutTraffic.unique("reg-it-promote");
    try (RolloutTraffic t = traffic(model)) {
      t.publish(t.verdict("job-0", t.trainingRun("job-0"), false));
      String run1 = t.trainingRun("job-1");
      t.publish(t.verdict("job-1", run1, true));
      DeploymentState first = t.await(s -> s.phase() == Phase.PROMOTED && s.champion() != null);
      assertThat(first.champion().version())
          .as("the fail verdict registered nothing")
          .isEqualTo("1");
      ModelVersion v1 = mlflow.getModelVersion(model, "1");
      assertThat(v1.source()).isEqualTo("s3://tuneloop-models/" + model + "/candidates/job-1/");
      assertThat(v1.runId()).isEqualTo(run1);
      assertThat(v1.tags())
          .containsEntry("tuneloop.job_id", "job-1")
          .containsEntry("tuneloop.dataset", "reg-data")
          .containsEntry("tuneloop.dataset_version", "3")
          .containsEntry("tuneloop.verdict", "pass")
          .containsEntry("tuneloop.metric.accuracy", "0.91")
          .containsEntry("tuneloop.metric.f1_spam_", "0.88")
          .containsKey("tuneloop.run_link");
      assertThat(mlflow.getRegisteredModel(model).aliases()).containsEntry("champion", "1");

      String run2 = t.trainingRun("job-2");
      t.publish(t.verdict("job-2", run2, true));
      DeploymentState canary = t.await(s -> s.phase() == Phase.CANARY);
      assertThat(canary.challenger().version()).isEqualTo("2");
      assertThat(canary.challengerWeight()).isEqualTo(0.1);
      assertThat(canary.steps()).containsExactly(0.1, 0.5, 1.0);
      assertThat(mlflow.getRegisteredModel(model).aliases())
          .containsEntry("champion", "1")
          .containsEntry("challenger", "2");
      // a redelivered verdict (new event id, same candidate) registers nothing new
      t.publish(t.verdict("job-2", run2, true));

      DeploymentState promoted =
          t.await(
              s -> s.phase() == Phase.PROMOTED && "2".equals(s.champion().version()),
              Duration.ofSeconds(60),
              () -> {
                t.health("1", Arm.CHAMPION, 30, 20, 0.9, 0.9);
                t.health("2", Arm.CHALLENGER, 30, 20, 0.9, 0.9);
              });
      assertThat(promoted.previous().version()).isEqualTo("1");
      assertThat(promoted.challenger()).isNull();
      List<DeploymentState> states = t.seen();
      RolloutTraffic.assertRevisionsConsecutive(states);
      assertThat(states)
          .filteredOn(s -> s.phase() == Phase.CANARY)
          .extracting(DeploymentState::challengerWeight)
          .containsExactly(0.1, 0.5, 1.0);
      assertThat(promoted.history())
          .extracting(AuditEntry::action)
          .containsExactly(
              Action.PROMOTE, Action.START, Action.ADVANCE, Action.ADVANCE, Action.PROMOTE);
      assertThat(promoted.history().get(2).reason()).contains("step 1/3 healthy");

      RegisteredModel registered = mlflow.getRegisteredModel(model);
      assertThat(registered.aliases())
          .containsEntry("champion", "2")
          .containsEntry("previous", "1")
          .doesNotContainKey("challenger");
      assertThat(mlflow.searchModelVersions("name = '" + model + "'")).hasSize(2);
      assertThat(mlflow.getModelVersion(model, "2").tags())
          .containsKey("tuneloop.audit.r" + promoted.revision());

      Response r = given().get("/api/v1/models/{m}", model);
      assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
      assertThat(r.jsonPath().getList("versions.version")).containsExactly("1", "2");
      assertThat(r.jsonPath().getString("aliases.champion")).isEqualTo("2");
      assertThat(r.jsonPath().getString("rollout.phase")).isEqualTo("promoted");
      assertThat(r.jsonPath().getLong("rollout.revision")).isEqualTo(promoted.revision());
      assertThat(r.jsonPath().getList("history.action")).hasSize(5).endsWith("promote");
      assertThat(given().get("/q/metrics").asString())
          .containsPattern("tuneloop_registry_rollout_changes_total\\{[^}]*action=\"advance\"");
    }
  }

  @Test
  void worseChallengerIsRolledBackAutomaticallyWithTheReason() {
    String model = RolloutTraffic.unique("reg-it-worse");
    try (RolloutTraffic t = traffic(model)) {
      championAndCanary(t);
      DeploymentState rolledBack =
          t.await(
              s -> s.phase() == Phase.ROLLED_BACK,
              Duration.ofSeconds(60),
              () -> {
                t.health("1", Arm.CHAMPION, 40, 40, 0.925, 0.9);
                t.health("2", Arm.CHALLENGER, 40, 40, 0.6, 0.9);
              });
      assertThat(rolledBack.champion().version()).isEqualTo("1");
      assertThat(rolledBack.challenger()).isNull();
      assertThat(rolledBack.challengerWeight()).isZero();
      AuditEntry last = rolledBack.history().get(rolledBack.history().size() - 1);
      assertThat(last.action()).isEqualTo(Action.ROLLBACK);
      assertThat(last.actor()).isEqualTo("registry");
      assertThat(last.challengerVersion()).isEqualTo("2");
      assertThat(last.reason()).contains("online accuracy 0.6000").contains("vs champion 0.9250");
      assertThat(mlflow.getRegisteredModel(model).aliases())
          .containsEntry("champion", "1")
          .doesNotContainKey("challenger");
      assertThat(mlflow.getModelVersion(model, "2").tags().get("tuneloop.rollout.last_action"))
          .startsWith("rollback by registry")
          .contains("online accuracy");
    }
  }

  private static Response command(String model, String action, String token, String body) {
    var request = given().contentType(ContentType.JSON);
    if (token != null) {
      request = request.header("Authorization", token);
    }
    if (body != null) {
      request = request.body(body);
    }
    return request.post("/api/v1/models/{m}/rollout/{a}", model, action);
  }

  @Test
  void operatorCommandsNeedATokenAndAReasonAndAreAudited() {
    String model = RolloutTraffic.unique("reg-it-operator");
    try (RolloutTraffic t = traffic(model)) {
      DeploymentState canary = championAndCanary(t);
      String reason = "{\"reason\":\"checking the dashboards\"}";

      assertThat(command(model, "pause", null, reason).statusCode()).isEqualTo(401);
      assertThat(command(model, "pause", "Bearer wrong-token-0123456789", reason).statusCode())
          .isEqualTo(401);
      Response viewer = command(model, "pause", VIEWER, reason);
      assertThat(viewer.statusCode()).isEqualTo(403);
      assertThat(viewer.jsonPath().getString("error")).isEqualTo("forbidden");
      Response noReason = command(model, "pause", OPERATOR, "{}");
      assertThat(noReason.statusCode()).isEqualTo(400);
      assertThat(noReason.jsonPath().getString("error")).isEqualTo("missing_reason");
      assertThat(command(model, "explode", OPERATOR, reason).statusCode()).isEqualTo(404);
      assertThat(command("reg-it-nobody", "pause", OPERATOR, reason).statusCode()).isEqualTo(404);
      assertThat(t.seen()).last().isEqualTo(canary);

      Response paused = command(model, "pause", OPERATOR, reason);
      assertThat(paused.statusCode()).as(paused.asString()).isEqualTo(200);
      assertThat(paused.jsonPath().getString("phase")).isEqualTo("paused");
      DeploymentState pausedState = t.await(s -> s.phase() == Phase.PAUSED);
      AuditEntry pause = pausedState.history().get(pausedState.history().size() - 1);
      assertThat(pause.actor()).isEqualTo("it-operator");
      assertThat(pause.reason()).isEqualTo("checking the dashboards");
      assertThat(command(model, "pause", OPERATOR, reason).statusCode()).isEqualTo(409);

      assertThat(command(model, "resume", OPERATOR, "{\"reason\":\"fine\"}").statusCode())
          .isEqualTo(200);
      t.await(s -> s.phase() == Phase.CANARY && s.revision() > pausedState.revision());

      Response abort = command(model, "abort", OPERATOR, "{\"reason\":\"wrong dataset\"}");
      assertThat(abort.statusCode()).as(abort.asString()).isEqualTo(200);
      DeploymentState aborted = t.await(s -> s.phase() == Phase.ABORTED);
      assertThat(aborted.champion().version()).isEqualTo("1");
      assertThat(mlflow.getModelVersion(model, "2").tags())
          .containsEntry(
              "tuneloop.rollout.last_action",
              mlflow
                  .getModelVersion(model, "2")
                  .tags()
                  .get("tuneloop.audit.r" + aborted.revision()))
          .hasEntrySatisfying(
              "tuneloop.audit.r" + aborted.revision(),
              v -> assertThat(v).startsWith("abort by it-operator").endsWith("wrong dataset"));
      assertThat(mlflow.getRegisteredModel(model).aliases()).doesNotContainKey("challenger");
      assertThat(command(model, "promote", OPERATOR, reason).statusCode()).isEqualTo(409);

      // a third candidate, promoted by hand, then rolled back at once to the previous champion
      t.publish(t.verdict("job-3", t.trainingRun("job-3"), true));
      t.await(s -> s.phase() == Phase.CANARY && "3".equals(s.challenger().version()));
      assertThat(command(model, "promote", OPERATOR, "{\"reason\":\"urgent fix\"}").statusCode())
          .isEqualTo(200);
      t.await(s -> s.phase() == Phase.PROMOTED && "3".equals(s.champion().version()));
      Response rollback = command(model, "rollback", OPERATOR, "{\"reason\":\"complaints\"}");
      assertThat(rollback.statusCode()).as(rollback.asString()).isEqualTo(200);
      DeploymentState reverted = t.await(s -> s.phase() == Phase.ROLLED_BACK);
      assertThat(reverted.champion().version()).isEqualTo("1");
      assertThat(reverted.history().get(reverted.history().size() - 1).reason())
          .contains("complaints")
          .contains("3 -> 1");
      assertThat(mlflow.getRegisteredModel(model).aliases())
          .containsEntry("champion", "1")
          .doesNotContainKeys("challenger", "previous");
      RolloutTraffic.assertRevisionsConsecutive(t.seen());
    }
  }

  @Test
  void undecodableVerdictsAndFailedRegistrationsGoToTheDeadLetterTopicWithTheirCause() {
    String model = RolloutTraffic.unique("reg-it-dlq");
    try (RolloutTraffic t = traffic(model)) {
      String dlq = "tuneloop.model.evaluated.dlq";
      var from = t.endOffsets(dlq);
      t.publishRaw("tuneloop.model.evaluated", "{not json".getBytes());
      assertThat(t.awaitDeadLetter(dlq, from, Duration.ofSeconds(60))).contains("ce_id");

      // a run id MLflow does not know: the registration fails and says why
      from = t.endOffsets(dlq);
      t.publish(t.verdict("job-9", "0123456789abcdef0123456789abcdef", true));
      assertThat(t.awaitDeadLetter(dlq, from, Duration.ofSeconds(60)))
          .contains("registering " + model + " job job-9 failed")
          .contains("does not exist in MLflow");
      assertThat(mlflow.searchModelVersions("name = '" + model + "'")).isEmpty();
    }
  }

  @Test
  void badRequestsGetClearErrors() {
    Response invalid = given().get("/api/v1/models/{m}", "-bad name");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.jsonPath().getString("error")).isEqualTo("invalid_model_name");
    Response unknown = given().get("/api/v1/models/{m}", RolloutTraffic.unique("reg-it-none"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.jsonPath().getString("error")).isEqualTo("unknown_model");
    Response malformed = command("reg-it-x", "pause", OPERATOR, "{not json");
    assertThat(malformed.statusCode()).isEqualTo(400);
  }
}
