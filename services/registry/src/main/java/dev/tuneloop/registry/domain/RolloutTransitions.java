package dev.tuneloop.registry.domain;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.Action;
import dev.tuneloop.events.DeploymentState.AuditEntry;
import dev.tuneloop.events.DeploymentState.DeployedModel;
import dev.tuneloop.events.DeploymentState.Mode;
import dev.tuneloop.events.DeploymentState.Phase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The rollout state machine: every change of a model's {@link DeploymentState}, each producing the
 * next state with its revision one higher and an audit entry (who, when, why) appended to the
 * bounded history. Invalid changes throw {@link InvalidTransitionException} naming the phase.
 */
public final class RolloutTransitions {

  private final RolloutPolicy policy;

  /** Transitions with the steps, mode and history limit of {@code policy}. */
  public RolloutTransitions(RolloutPolicy policy) {
    this.policy = policy;
  }

  /** The state of a model the registry has never deployed: no champion, idle. */
  public static DeploymentState initial(String model, Instant now) {
    return new DeploymentState(
        model, 0, null, null, null, Phase.IDLE, Mode.AB, 0, List.of(), null, null, List.of(), now);
  }

  /** The first version of a model becomes champion directly: there is nothing to compare with. */
  public DeploymentState firstChampion(
      DeploymentState state, DeployedModel version, String actor, String reason, Instant now) {
    if (state.champion() != null || state.phase().rolloutActive()) {
      throw new InvalidTransitionException(
          "model " + state.modelName() + " already has a champion or a rollout");
    }
    return new Next(state, now)
        .champion(version)
        .audit(Action.PROMOTE, actor, reason, Phase.PROMOTED, version.version());
  }

  /** Starts a rollout of {@code challenger} at the first step. */
  public DeploymentState start(
      DeploymentState state, DeployedModel challenger, String actor, String reason, Instant now) {
    if (state.phase().rolloutActive()) {
      throw new InvalidTransitionException(
          "a rollout of version " + state.challenger().version() + " is already running");
    }
    if (state.champion() == null) {
      throw new InvalidTransitionException("a rollout needs a champion to compare against");
    }
    return new Next(state, now)
        .rollout(challenger, 0)
        .audit(Action.START, actor, reason, Phase.CANARY, challenger.version());
  }

  /** Replaces the running rollout's challenger; the rollout restarts at the first step. */
  public DeploymentState replace(
      DeploymentState state, DeployedModel challenger, String actor, String reason, Instant now) {
    requireActive(state, "replace the challenger");
    return new Next(state, now)
        .rollout(challenger, 0)
        .audit(Action.REPLACE, actor, reason, Phase.CANARY, challenger.version());
  }

  /** Queues {@code candidate} behind the running rollout. */
  public DeploymentState enqueue(
      DeploymentState state, DeployedModel candidate, String actor, String reason, Instant now) {
    requireActive(state, "queue a challenger");
    Next next = new Next(state, now);
    next.queued.add(candidate);
    return next.audit(Action.HOLD, actor, reason, state.phase(), candidate.version());
  }

  /** Moves to the next step; at the last step this is {@link #promote}. */
  public DeploymentState advance(DeploymentState state, String actor, String reason, Instant now) {
    requirePhase(state, Phase.CANARY, "advance");
    int nextIndex = state.stepIndex() + 1;
    if (nextIndex >= state.steps().size()) {
      return promote(state, actor, reason, now);
    }
    return new Next(state, now)
        .rollout(state.challenger(), nextIndex)
        .keepSteps(state.steps())
        .audit(Action.ADVANCE, actor, reason, Phase.CANARY, state.challenger().version());
  }

  /** The challenger becomes the champion; the old champion becomes {@code previous}. */
  public DeploymentState promote(DeploymentState state, String actor, String reason, Instant now) {
    requireActive(state, "promote");
    DeployedModel challenger = state.challenger();
    Next next = new Next(state, now);
    next.previous = state.champion();
    next.champion = challenger;
    return next.endRollout()
        .audit(Action.PROMOTE, actor, reason, Phase.PROMOTED, challenger.version());
  }

  /** Withdraws the challenger (automatic or operator rollback of a rollout). */
  public DeploymentState rollBack(DeploymentState state, String actor, String reason, Instant now) {
    requireActive(state, "roll back the rollout");
    String version = state.challenger().version();
    return new Next(state, now)
        .endRollout()
        .audit(Action.ROLLBACK, actor, reason, Phase.ROLLED_BACK, version);
  }

  /** Reverts the champion to {@code previous} at once (no rollout running). */
  public DeploymentState revert(DeploymentState state, String actor, String reason, Instant now) {
    if (state.phase().rolloutActive()) {
      throw new InvalidTransitionException("a rollout is running: roll it back instead");
    }
    if (state.previous() == null) {
      throw new InvalidTransitionException(
          "model " + state.modelName() + " has no previous champion to roll back to");
    }
    Next next = new Next(state, now);
    String from = state.champion() == null ? "none" : state.champion().version();
    next.champion = state.previous();
    next.previous = null;
    return next.audit(
        Action.ROLLBACK,
        actor,
        reason + " (champion " + from + " -> " + state.previous().version() + ")",
        Phase.ROLLED_BACK,
        null);
  }

  /** Stops the rollout without promotion; the champion is unchanged. */
  public DeploymentState abort(DeploymentState state, String actor, String reason, Instant now) {
    requireActive(state, "abort");
    String version = state.challenger().version();
    return new Next(state, now)
        .endRollout()
        .audit(Action.ABORT, actor, reason, Phase.ABORTED, version);
  }

  /** Pauses the rollout at its step (traffic split unchanged, no automatic decisions). */
  public DeploymentState pause(DeploymentState state, String actor, String reason, Instant now) {
    requirePhase(state, Phase.CANARY, "pause");
    Next next = new Next(state, now);
    return next.audit(Action.PAUSE, actor, reason, Phase.PAUSED, state.challenger().version());
  }

  /** Resumes a paused rollout; its step starts over (evidence and minimum duration). */
  public DeploymentState resume(DeploymentState state, String actor, String reason, Instant now) {
    requirePhase(state, Phase.PAUSED, "resume");
    Next next = new Next(state, now);
    next.stepStartedAt = now;
    return next.audit(Action.RESUME, actor, reason, Phase.CANARY, state.challenger().version());
  }

  /** Starts the oldest queued challenger, if any waits and no rollout runs; else empty. */
  public @Nullable DeploymentState startNextQueued(DeploymentState state, Instant now) {
    if (state.phase().rolloutActive()
        || state.queuedOrEmpty().isEmpty()
        || state.champion() == null) {
      return null;
    }
    DeployedModel head = state.queuedOrEmpty().get(0);
    Next next = new Next(state, now);
    next.queued.remove(0);
    return next.rollout(head, 0)
        .audit(
            Action.START,
            "registry",
            "queued challenger " + head.version() + " starts after the previous rollout ended",
            Phase.CANARY,
            head.version());
  }

  private static void requireActive(DeploymentState state, String what) {
    if (!state.phase().rolloutActive()) {
      throw new InvalidTransitionException(
          "cannot " + what + ": no rollout is running (phase " + phaseName(state) + ")");
    }
  }

  private static void requirePhase(DeploymentState state, Phase phase, String what) {
    if (state.phase() != phase) {
      throw new InvalidTransitionException(
          "cannot "
              + what
              + " in phase "
              + phaseName(state)
              + " (needs "
              + phase.name().toLowerCase(java.util.Locale.ROOT)
              + ")");
    }
  }

  private static String phaseName(DeploymentState state) {
    return state.phase().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The fields of the next state, starting as a copy of the current one. */
  private final class Next {
    private final DeploymentState from;
    private final Instant now;
    private DeployedModel champion;
    private DeployedModel challenger;
    private DeployedModel previous;
    private Mode mode;
    private double weight;
    private List<Double> steps;
    private Integer stepIndex;
    private Instant stepStartedAt;
    private final List<DeployedModel> queued;

    Next(DeploymentState from, Instant now) {
      this.from = from;
      this.now = now;
      champion = from.champion();
      challenger = from.challenger();
      previous = from.previous();
      mode = from.mode();
      weight = from.challengerWeight();
      steps = from.steps();
      stepIndex = from.stepIndex();
      stepStartedAt = from.stepStartedAt();
      queued = new ArrayList<>(from.queuedOrEmpty());
    }

    Next champion(DeployedModel version) {
      champion = version;
      return this;
    }

    Next rollout(DeployedModel version, int index) {
      challenger = version;
      steps = policy.steps();
      mode = policy.mode();
      stepIndex = index;
      weight = steps.get(index);
      stepStartedAt = now;
      return this;
    }

    /** A rollout in progress keeps the plan it started with, even if the policy changed since. */
    Next keepSteps(List<Double> plan) {
      steps = plan;
      weight = plan.get(stepIndex);
      mode = from.mode();
      return this;
    }

    Next endRollout() {
      challenger = null;
      weight = 0;
      steps = List.of();
      stepIndex = null;
      stepStartedAt = null;
      return this;
    }

    DeploymentState audit(
        Action action, String actor, String reason, Phase to, @Nullable String version) {
      List<AuditEntry> history = new ArrayList<>(from.history());
      history.add(new AuditEntry(now, action, actor, reason, from.phase(), to, version));
      while (history.size() > policy.historyLimit()) {
        history.remove(0);
      }
      return new DeploymentState(
          from.modelName(),
          from.revision() + 1,
          champion,
          challenger,
          previous,
          to,
          mode,
          weight,
          steps,
          stepIndex,
          stepStartedAt,
          history,
          now,
          queued.isEmpty() ? null : List.copyOf(queued));
    }
  }
}
