package dev.tuneloop.registry.domain;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.DeployedModel;
import dev.tuneloop.events.DeploymentState.Phase;
import dev.tuneloop.events.ModelEvaluated;
import dev.tuneloop.events.ModelHealth;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The registry's brain: holds the deployment state of every model, registers passing candidates,
 * feeds health windows to the {@link RolloutJudge} and applies its decisions and the operators'
 * commands through {@link RolloutTransitions}. Every change goes to the {@link VersionRegistry}
 * (aliases, audit tags) and then to the {@link StateSink}; only then is it the new state, so a
 * failed change leaves the state as it was and can be retried.
 *
 * <p>All methods are serialized (one lock): changes of a model are strictly ordered and revisions
 * increase by one.
 */
public final class RolloutEngine {

  /** Actor of automatic decisions in the audit trail. */
  public static final String SYSTEM_ACTOR = "registry";

  private static final int SEEN_EVENT_LIMIT = 10_000;

  private final RolloutPolicy policy;
  private final RolloutTransitions transitions;
  private final RolloutJudge judge;
  private final VersionRegistry registry;
  private final StateSink sink;
  private final Predicate<String> handles;
  private final Clock clock;
  private final Map<String, DeploymentState> states = new HashMap<>();
  private final Map<String, Evidence> evidence = new HashMap<>();
  private final Map<String, Decision> lastDecisions = new HashMap<>();
  private final Set<UUID> seenEvents = new LinkedHashSet<>();

  /**
   * An engine without state; call {@link #restore} with the states read back before feeding events.
   *
   * @param handles which model names this registry manages
   */
  public RolloutEngine(
      RolloutPolicy policy,
      VersionRegistry registry,
      StateSink sink,
      Predicate<String> handles,
      Clock clock) {
    this.policy = policy;
    this.transitions = new RolloutTransitions(policy);
    this.judge = new RolloutJudge(policy);
    this.registry = registry;
    this.sink = sink;
    this.handles = handles;
    this.clock = clock;
  }

  /** Takes over states read back from the state topic (the newest revision of a model wins). */
  public synchronized void restore(Collection<DeploymentState> restored) {
    for (DeploymentState state : restored) {
      if (!handles.test(state.modelName())) {
        continue;
      }
      states.merge(state.modelName(), state, (a, b) -> a.revision() >= b.revision() ? a : b);
    }
  }

  /** Whether this registry manages {@code model}. */
  public boolean handles(String model) {
    return handles.test(model);
  }

  /** Registers and rolls out a passing candidate; see {@link IntakeResult}. */
  public synchronized IntakeResult onEvaluated(UUID eventId, ModelEvaluated evaluated) {
    String model = evaluated.modelName();
    if (!handles.test(model)) {
      return IntakeResult.NOT_MINE;
    }
    if (seenEvents.contains(eventId)) {
      return IntakeResult.DUPLICATE;
    }
    if (evaluated.verdict() != ModelEvaluated.Verdict.PASS) {
      remember(eventId);
      return IntakeResult.FAILED_VERDICT;
    }
    DeployedModel version = registry.register(evaluated);
    Instant now = clock.instant();
    DeploymentState state = states.getOrDefault(model, RolloutTransitions.initial(model, now));
    if (references(state, version.version())) {
      remember(eventId);
      return IntakeResult.DUPLICATE;
    }
    String why =
        "evaluation "
            + evaluated.evaluationRunId()
            + " passed (job "
            + evaluated.jobId()
            + ", dataset "
            + evaluated.dataset()
            + " v"
            + evaluated.datasetVersion()
            + ")";
    IntakeResult result;
    if (state.champion() == null && !state.phase().rolloutActive()) {
      commit(
          transitions.firstChampion(
              state, version, SYSTEM_ACTOR, why + "; no champion yet: promoted directly", now));
      result = IntakeResult.FIRST_CHAMPION;
    } else if (!state.phase().rolloutActive()) {
      commit(transitions.start(state, version, SYSTEM_ACTOR, why + "; rollout starts", now));
      result = IntakeResult.STARTED;
    } else if (policy.onNewChallenger() == RolloutPolicy.NewChallengerPolicy.REPLACE) {
      commit(
          transitions.replace(
              state,
              version,
              SYSTEM_ACTOR,
              why + "; replaces challenger " + state.challenger().version(),
              now));
      result = IntakeResult.REPLACED;
    } else {
      commit(
          transitions.enqueue(
              state,
              version,
              SYSTEM_ACTOR,
              why
                  + "; version "
                  + version.version()
                  + " queued behind the rollout of "
                  + state.challenger().version(),
              now));
      result = IntakeResult.QUEUED;
    }
    remember(eventId);
    return result;
  }

  /** Counts a health window and decides the step of the model's rollout if it runs. */
  public synchronized @Nullable Decision onHealth(ModelHealth health) {
    DeploymentState state = states.get(health.modelName());
    if (state == null || state.phase() != Phase.CANARY || !handles.test(health.modelName())) {
      return null;
    }
    Evidence current = evidenceOf(state);
    if (!health.window().end().isAfter(state.stepStartedAt())) {
      return null; // measured before this step began
    }
    if (health.modelVersion().equals(state.champion().version())) {
      current.champion.add(health);
    } else if (health.modelVersion().equals(state.challenger().version())) {
      current.challenger.add(health);
    } else {
      return null;
    }
    return evaluate(state);
  }

  /** Decides every running rollout (minimum durations expire without new health). */
  public synchronized void tick() {
    for (DeploymentState state : List.copyOf(states.values())) {
      if (state.phase() == Phase.CANARY) {
        evaluate(state);
      }
    }
  }

  /**
   * Applies an operator's command.
   *
   * @throws UnknownModelException if the registry holds no state of {@code model}
   * @throws InvalidTransitionException if the phase does not allow it
   */
  public synchronized DeploymentState operate(
      String model, OperatorAction action, String operator, String reason) {
    DeploymentState state = states.get(model);
    if (state == null) {
      throw new UnknownModelException(model);
    }
    Instant now = clock.instant();
    DeploymentState next =
        switch (action) {
          case PROMOTE -> transitions.promote(state, operator, reason, now);
          case ROLLBACK ->
              state.phase().rolloutActive()
                  ? transitions.rollBack(state, operator, reason, now)
                  : transitions.revert(state, operator, reason, now);
          case ABORT -> transitions.abort(state, operator, reason, now);
          case PAUSE -> transitions.pause(state, operator, reason, now);
          case RESUME -> transitions.resume(state, operator, reason, now);
        };
    return commit(next);
  }

  /** The current state of {@code model}. */
  public synchronized Optional<DeploymentState> state(String model) {
    return Optional.ofNullable(states.get(model));
  }

  /** The judge's last decision on the model's running rollout. */
  public synchronized Optional<Decision> lastDecision(String model) {
    return Optional.ofNullable(lastDecisions.get(model));
  }

  /** The evidence of the current step: champion and challenger, empty outside a rollout. */
  public synchronized List<ArmSummary> evidence(String model) {
    DeploymentState state = states.get(model);
    if (state == null || !state.phase().rolloutActive()) {
      return List.of();
    }
    Evidence current = evidenceOf(state);
    return List.of(current.champion.summary(), current.challenger.summary());
  }

  private @Nullable Decision evaluate(DeploymentState state) {
    Evidence current = evidenceOf(state);
    Instant now = clock.instant();
    Decision decision =
        judge.decide(
            state.stepIndex(),
            state.stepStartedAt(),
            now,
            current.champion.summary(),
            current.challenger.summary());
    lastDecisions.put(state.modelName(), decision);
    switch (decision.outcome()) {
      case ADVANCE -> commit(transitions.advance(state, SYSTEM_ACTOR, decision.reason(), now));
      case ROLLBACK -> commit(transitions.rollBack(state, SYSTEM_ACTOR, decision.reason(), now));
      case HOLD -> {}
    }
    return decision;
  }

  private DeploymentState commit(DeploymentState next) {
    registry.apply(next);
    sink.publish(next);
    states.put(next.modelName(), next);
    DeploymentState queuedStart = transitions.startNextQueued(next, clock.instant());
    if (queuedStart != null) {
      return commit(queuedStart);
    }
    if (!next.phase().rolloutActive()) {
      evidence.remove(next.modelName());
    }
    return next;
  }

  private Evidence evidenceOf(DeploymentState state) {
    String key =
        state.challenger().version() + "@" + state.stepIndex() + "@" + state.stepStartedAt();
    Evidence current = evidence.get(state.modelName());
    if (current == null || !current.key.equals(key)) {
      current =
          new Evidence(
              key,
              new HealthTally(state.champion().version()),
              new HealthTally(state.challenger().version()));
      evidence.put(state.modelName(), current);
    }
    return current;
  }

  private static boolean references(DeploymentState state, String version) {
    List<DeployedModel> known = new ArrayList<>(state.queuedOrEmpty());
    known.add(state.champion());
    known.add(state.challenger());
    known.add(state.previous());
    return known.stream().anyMatch(m -> m != null && m.version().equals(version))
        || state.history().stream().anyMatch(e -> version.equals(e.challengerVersion()));
  }

  private void remember(UUID eventId) {
    seenEvents.add(eventId);
    if (seenEvents.size() > SEEN_EVENT_LIMIT) {
      seenEvents.remove(seenEvents.iterator().next());
    }
  }

  private record Evidence(String key, HealthTally champion, HealthTally challenger) {}
}
