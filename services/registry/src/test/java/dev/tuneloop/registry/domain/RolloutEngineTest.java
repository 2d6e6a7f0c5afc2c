package dev.tuneloop.registry.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.Action;
import dev.tuneloop.events.DeploymentState.DeployedModel;
import dev.tuneloop.events.DeploymentState.Phase;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.registry.domain.RolloutPolicy.NewChallengerPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The engine with an in-memory registry and sink: the state machine end to end, no Quarkus. */
class RolloutEngineTest {

  private static final String MODEL = "spam";

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-11-24T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Versions by run id, like MLflow's getOrCreate; aliases as the last applied state says. */
  static final class FakeRegistry implements VersionRegistry {
    final Map<String, DeployedModel> byRun = new HashMap<>();
    final Map<String, String> aliases = new HashMap<>();
    boolean failing;

    @Override
    public DeployedModel register(ModelEvaluated e) {
      return byRun.computeIfAbsent(
          e.candidateRunId(),
          run -> new DeployedModel(Integer.toString(byRun.size() + 1), e.candidateUri(), run));
    }

    @Override
    public void apply(DeploymentState state) {
      if (failing) {
        throw new IllegalStateException("MLflow is down");
      }
      put("champion", state.champion());
      put("challenger", state.challenger());
      put("previous", state.previous());
    }

    private void put(String alias, DeployedModel m) {
      if (m == null) {
        aliases.remove(alias);
      } else {
        aliases.put(alias, m.version());
      }
    }
  }

  private final MutableClock clock = new MutableClock();
  private final FakeRegistry registry = new FakeRegistry();
  private final List<DeploymentState> published = new ArrayList<>();

  private RolloutEngine engine(NewChallengerPolicy onNew) {
    return new RolloutEngine(
        Fixtures.policy(onNew), registry, published::add, m -> !m.startsWith("other"), clock);
  }

  private static ModelEvaluated pass(String job) {
    return new ModelEvaluated(
        MODEL,
        job,
        "s3://tuneloop-models/spam/candidates/" + job + "/",
        "run" + job,
        "eval" + job,
        "spam-data",
        1,
        Map.of("accuracy", 0.9),
        null,
        Map.of(),
        ModelEvaluated.Verdict.PASS,
        List.of(),
        null,
        Instant.now());
  }

  private void healthy(RolloutEngine engine, String champion, String challenger) {
    Instant start = clock.now.minusSeconds(5);
    engine.onHealth(Fixtures.health(MODEL, champion, Arm.CHAMPION, start, 300, 0, null, 0.9, 90));
    engine.onHealth(
        Fixtures.health(MODEL, challenger, Arm.CHALLENGER, start, 300, 0, null, 0.9, 92));
  }

  private DeploymentState last() {
    return published.get(published.size() - 1);
  }

  private RolloutEngine withChampionAndRollout(NewChallengerPolicy onNew) {
    RolloutEngine engine = engine(onNew);
    assertThat(engine.onEvaluated(UUID.randomUUID(), pass("j1")))
        .isEqualTo(IntakeResult.FIRST_CHAMPION);
    assertThat(engine.onEvaluated(UUID.randomUUID(), pass("j2"))).isEqualTo(IntakeResult.STARTED);
    return engine;
  }

  @Test
  void healthyStepsAdvanceAfterTheirMinimumDurationAndPromote() {
    RolloutEngine engine = withChampionAndRollout(NewChallengerPolicy.QUEUE);
    assertThat(last().phase()).isEqualTo(Phase.CANARY);
    assertThat(last().challengerWeight()).isEqualTo(0.1);
    assertThat(registry.aliases).containsEntry("champion", "1").containsEntry("challenger", "2");

    clock.now = clock.now.plusSeconds(30);
    healthy(engine, "1", "2");
    assertThat(last().stepIndex()).as("min duration not over").isEqualTo(0);
    assertThat(engine.lastDecision(MODEL).orElseThrow().outcome()).isEqualTo(Decision.Outcome.HOLD);

    clock.now = clock.now.plusSeconds(31);
    engine.tick();
    assertThat(last().stepIndex()).isEqualTo(1);
    assertThat(last().challengerWeight()).isEqualTo(0.5);
    assertThat(engine.evidence(MODEL)).allMatch(a -> a.samples() == 0);

    for (int step = 1; step < 3; step++) {
      clock.now = clock.now.plusSeconds(61);
      healthy(engine, "1", "2");
    }
    DeploymentState promoted = last();
    assertThat(promoted.phase()).isEqualTo(Phase.PROMOTED);
    assertThat(promoted.champion().version()).isEqualTo("2");
    assertThat(promoted.previous().version()).isEqualTo("1");
    assertThat(promoted.challenger()).isNull();
    assertThat(registry.aliases)
        .containsEntry("champion", "2")
        .containsEntry("previous", "1")
        .doesNotContainKey("challenger");
    assertThat(published).extracting(DeploymentState::revision).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(promoted.history())
        .extracting(DeploymentState.AuditEntry::action)
        .containsExactly(
            Action.PROMOTE, Action.START, Action.ADVANCE, Action.ADVANCE, Action.PROMOTE);
  }

  @Test
  void aWorseChallengerIsRolledBackWithTheReason() {
    RolloutEngine engine = withChampionAndRollout(NewChallengerPolicy.QUEUE);
    clock.now = clock.now.plusSeconds(61);
    Instant start = clock.now.minusSeconds(5);
    engine.onHealth(Fixtures.health(MODEL, "1", Arm.CHAMPION, start, 500, 400, 0.9, 0.9, 150));
    engine.onHealth(Fixtures.health(MODEL, "2", Arm.CHALLENGER, start, 500, 400, 0.7, 0.9, 150));
    assertThat(last().phase()).isEqualTo(Phase.ROLLED_BACK);
    assertThat(last().champion().version()).isEqualTo("1");
    assertThat(last().challenger()).isNull();
    DeploymentState.AuditEntry entry = last().history().get(last().history().size() - 1);
    assertThat(entry.actor()).isEqualTo("registry");
    assertThat(entry.reason()).contains("online accuracy 0.7000").contains("vs champion 0.9000");
    assertThat(registry.aliases).doesNotContainKey("challenger").containsEntry("champion", "1");
  }

  @Test
  void duplicateVerdictsRegisterNothingNew() {
    RolloutEngine engine = withChampionAndRollout(NewChallengerPolicy.QUEUE);
    int before = published.size();
    UUID id = UUID.randomUUID();
    assertThat(engine.onEvaluated(id, pass("j2"))).isEqualTo(IntakeResult.DUPLICATE);
    assertThat(engine.onEvaluated(id, pass("j2"))).isEqualTo(IntakeResult.DUPLICATE);
    assertThat(engine.onEvaluated(UUID.randomUUID(), pass("j1"))).isEqualTo(IntakeResult.DUPLICATE);
    assertThat(published).hasSize(before);
    assertThat(registry.byRun).hasSize(2);
  }

  @Test
  void failVerdictsAndForeignModelsAreIgnored() {
    RolloutEngine engine = engine(NewChallengerPolicy.QUEUE);
    ModelEvaluated p = pass("x");
    ModelEvaluated other =
        new ModelEvaluated(
            "other-model",
            "x",
            p.candidateUri(),
            "runx",
            "evalx",
            "d",
            1,
            Map.of(),
            null,
            Map.of(),
            ModelEvaluated.Verdict.PASS,
            List.of(),
            null,
            Instant.now());
    assertThat(engine.onEvaluated(UUID.randomUUID(), other)).isEqualTo(IntakeResult.NOT_MINE);
    assertThat(published).isEmpty();
  }

  @Test
  void aNewChallengerWaitsInTheQueueAndStartsAfterTheRolloutEnds() {
    RolloutEngine engine = withChampionAndRollout(NewChallengerPolicy.QUEUE);
    assertThat(engine.onEvaluated(UUID.randomUUID(), pass("j3"))).isEqualTo(IntakeResult.QUEUED);
    assertThat(last().queued()).extracting(DeployedModel::version).containsExactly("3");
    assertThat(last().challenger().version()).isEqualTo("2");

    DeploymentState aborted = engine.operate(MODEL, OperatorAction.ABORT, "alice", "bad timing");
    assertThat(aborted.phase()).as("the queued one starts right away").isEqualTo(Phase.CANARY);
    assertThat(aborted.challenger().version()).isEqualTo("3");
    assertThat(aborted.queued()).isNull();
    assertThat(published.get(published.size() - 2).phase()).isEqualTo(Phase.ABORTED);
  }

  @Test
  void aNewChallengerCanReplaceTheRunningOne() {
    RolloutEngine engine = withChampionAndRollout(NewChallengerPolicy.REPLACE);
    assertThat(engine.onEvaluated(UUID.randomUUID(), pass("j3"))).isEqualTo(IntakeResult.REPLACED);
    assertThat(last().challenger().version()).isEqualTo("3");
    assertThat(last().stepIndex()).isZero();
    assertThat(registry.aliases).containsEntry("challenger", "3");
  }

  @Test
  void operatorsPauseResumePromoteAndRevert() {
    RolloutEngine engine = withChampionAndRollout(NewChallengerPolicy.QUEUE);
    assertThat(engine.operate(MODEL, OperatorAction.PAUSE, "alice", "weekend").phase())
        .isEqualTo(Phase.PAUSED);
    clock.now = clock.now.plus(Duration.ofMinutes(5));
    healthy(engine, "1", "2");
    engine.tick();
    assertThat(last().phase()).as("no automatic decisions while paused").isEqualTo(Phase.PAUSED);
    assertThatThrownBy(() -> engine.operate(MODEL, OperatorAction.PAUSE, "alice", "again"))
        .isInstanceOf(InvalidTransitionException.class)
        .hasMessageContaining("phase paused");
    assertThat(engine.operate(MODEL, OperatorAction.RESUME, "alice", "monday").phase())
        .isEqualTo(Phase.CANARY);
    DeploymentState promoted = engine.operate(MODEL, OperatorAction.PROMOTE, "bob", "looks good");
    assertThat(promoted.champion().version()).isEqualTo("2");

    DeploymentState reverted = engine.operate(MODEL, OperatorAction.ROLLBACK, "bob", "complaints");
    assertThat(reverted.phase()).isEqualTo(Phase.ROLLED_BACK);
    assertThat(reverted.champion().version()).isEqualTo("1");
    assertThat(reverted.previous()).isNull();
    assertThat(registry.aliases).containsEntry("champion", "1").doesNotContainKey("previous");
    DeploymentState.AuditEntry entry = reverted.history().get(reverted.history().size() - 1);
    assertThat(entry.actor()).isEqualTo("bob");
    assertThat(entry.reason()).contains("complaints").contains("2 -> 1");
    assertThatThrownBy(() -> engine.operate(MODEL, OperatorAction.ROLLBACK, "bob", "again"))
        .isInstanceOf(InvalidTransitionException.class)
        .hasMessageContaining("no previous champion");
  }

  @Test
  void aFailedChangeLeavesTheStateAsItWas() {
    RolloutEngine engine = withChampionAndRollout(NewChallengerPolicy.QUEUE);
    DeploymentState before = last();
    registry.failing = true;
    assertThatThrownBy(() -> engine.operate(MODEL, OperatorAction.ABORT, "alice", "x"))
        .hasMessageContaining("MLflow is down");
    assertThat(engine.state(MODEL)).contains(before);
    assertThat(last()).isEqualTo(before);
  }

  @Test
  void aRestartedEngineContinuesAtTheSameStep() {
    RolloutEngine first = withChampionAndRollout(NewChallengerPolicy.QUEUE);
    clock.now = clock.now.plusSeconds(61);
    healthy(first, "1", "2");
    assertThat(last().stepIndex()).isEqualTo(1);

    RolloutEngine restarted = engine(NewChallengerPolicy.QUEUE);
    restarted.restore(List.copyOf(published));
    assertThat(restarted.state(MODEL).orElseThrow().stepIndex()).isEqualTo(1);
    clock.now = clock.now.plusSeconds(61);
    healthy(restarted, "1", "2");
    assertThat(last().stepIndex()).isEqualTo(2);
    assertThat(last().revision()).isEqualTo(4);
  }
}
