package dev.tuneloop.events;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What is deployed for a model and where its rollout stands. The topic is compacted, so its latest
 * record per model is the whole current state: a restarted registry, serving or monitor rebuilds
 * from it.
 *
 * <p>Producer: registry. Consumers: serving (what to load and how to route), monitor. Key: the
 * model name.
 *
 * @param modelName the registered model
 * @param revision increases by one with every state change of this model; consumers ignore a state
 *     whose revision is not newer than the one they hold
 * @param champion the version serving production traffic (MLflow alias {@code champion}); absent
 *     before the first promotion
 * @param challenger the version being rolled out (alias {@code challenger}); absent outside a
 *     rollout
 * @param previous the champion before the last promotion, the target of a rollback
 * @param phase where the rollout stands
 * @param mode how the challenger gets traffic
 * @param challengerWeight share of requests routed to the challenger (mode {@code ab}) or mirrored
 *     to it (mode {@code shadow}), within [0, 1]; the champion answers the rest
 * @param steps the rollout plan: the challenger weight of each step, e.g. {@code [0.1, 0.5, 1.0]};
 *     empty outside a rollout
 * @param stepIndex the current step, 0-based; present during a rollout
 * @param stepStartedAt when the current step began (its minimum duration counts from here)
 * @param history the audit trail of this model's rollouts, oldest first (bounded by the registry);
 *     its last entry is the change that produced this state
 * @param updatedAt when this state was produced
 * @param queued challengers that passed evaluation during a rollout and wait for their own, oldest
 *     first (registry setting {@code on-new-challenger=queue}); absent or empty when none wait
 */
public record DeploymentState(
    String modelName,
    long revision,
    @Nullable DeployedModel champion,
    @Nullable DeployedModel challenger,
    @Nullable DeployedModel previous,
    Phase phase,
    Mode mode,
    double challengerWeight,
    List<Double> steps,
    @Nullable Integer stepIndex,
    @Nullable Instant stepStartedAt,
    List<AuditEntry> history,
    Instant updatedAt,
    @Nullable List<DeployedModel> queued)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.deployment.state.v1";

  /** Kafka topic (compacted). */
  public static final String TOPIC = Topics.DEPLOYMENT_STATE;

  /** Where a rollout stands. JSON: the lower-case names. */
  public enum Phase {
    /** No rollout: the champion (if any) serves everything. */
    IDLE,
    /** A challenger is being rolled out step by step. */
    CANARY,
    /** A rollout is paused by an operator at its current step. */
    PAUSED,
    /** The challenger became the champion. */
    PROMOTED,
    /** The challenger was withdrawn, or the champion was reverted to {@code previous}. */
    ROLLED_BACK,
    /** An operator stopped the rollout; the champion is unchanged. */
    ABORTED;

    /** Whether a challenger is deployed and receiving traffic in this phase. */
    public boolean rolloutActive() {
      return this == CANARY || this == PAUSED;
    }
  }

  /** How the challenger receives traffic. JSON: {@code ab}, {@code shadow}. */
  public enum Mode {
    /** Requests are split by weight, sticky by request key; both arms answer callers. */
    AB,
    /** The challenger gets a copy of requests; only the champion's answers are returned. */
    SHADOW
  }

  /** A change of the rollout. JSON: the lower-case names. */
  public enum Action {
    /** A rollout started for a new challenger. */
    START,
    /** The rollout moved to its next step. */
    ADVANCE,
    /** The rollout stays at its step (not enough evidence yet). */
    HOLD,
    /** The challenger became the champion. */
    PROMOTE,
    /** Back to the previous champion, or the challenger withdrawn. */
    ROLLBACK,
    /** The rollout was stopped without promotion. */
    ABORT,
    /** The rollout was paused. */
    PAUSE,
    /** A paused rollout continues. */
    RESUME,
    /** A newer challenger replaced the one being rolled out. */
    REPLACE
  }

  /**
   * A deployed model version.
   *
   * @param version the MLflow model version
   * @param artifactUri where its artifact folder is (what serving loads)
   * @param runId the MLflow run that trained it
   */
  public record DeployedModel(String version, String artifactUri, @Nullable String runId) {

    /** Checks every field. */
    public DeployedModel {
      Require.nonBlank(version, "version");
      Require.nonBlank(artifactUri, "artifactUri");
      Require.nonBlankIfPresent(runId, "runId");
    }
  }

  /**
   * One audited change of the rollout.
   *
   * @param at when it happened
   * @param action what happened
   * @param actor who did it: {@code registry} for automatic decisions, else the operator
   * @param reason why, e.g. the health comparison that decided it or the operator's note
   * @param fromPhase the phase before
   * @param toPhase the phase after
   * @param challengerVersion the challenger concerned, if any
   */
  public record AuditEntry(
      Instant at,
      Action action,
      String actor,
      String reason,
      Phase fromPhase,
      Phase toPhase,
      @Nullable String challengerVersion) {

    /** Checks every field. */
    public AuditEntry {
      Require.present(at, "at");
      Require.present(action, "action");
      Require.nonBlank(actor, "actor");
      Require.nonBlank(reason, "reason");
      Require.present(fromPhase, "fromPhase");
      Require.present(toPhase, "toPhase");
      Require.nonBlankIfPresent(challengerVersion, "challengerVersion");
    }
  }

  /** Checks every field and that the rollout fields agree with the phase. */
  public DeploymentState {
    Require.name(modelName, "modelName");
    Require.nonNegative(revision, "revision");
    Require.present(phase, "phase");
    Require.present(mode, "mode");
    Require.fraction(challengerWeight, "challengerWeight");
    steps = Require.list(steps, "steps");
    for (int i = 0; i < steps.size(); i++) {
      Require.fraction(steps.get(i), "steps[" + i + "]");
    }
    Require.nonNegativeIfPresent(stepIndex, "stepIndex");
    history = Require.list(history, "history");
    Require.present(updatedAt, "updatedAt");
    queued = queued == null ? null : List.copyOf(queued);
    if (challengerWeight > 0 && challenger == null) {
      throw new InvalidEventException("challengerWeight > 0 needs a challenger");
    }
    if (phase.rolloutActive()) {
      if (challenger == null) {
        throw new InvalidEventException("challenger is required while a rollout is active");
      }
      if (stepIndex == null || stepIndex >= steps.size()) {
        throw new InvalidEventException(
            "stepIndex must point into steps while a rollout is active, was "
                + stepIndex
                + " for "
                + steps.size()
                + " steps");
      }
    }
  }

  /** A state without waiting challengers (the fields before {@code queued} was added). */
  public DeploymentState(
      String modelName,
      long revision,
      @Nullable DeployedModel champion,
      @Nullable DeployedModel challenger,
      @Nullable DeployedModel previous,
      Phase phase,
      Mode mode,
      double challengerWeight,
      List<Double> steps,
      @Nullable Integer stepIndex,
      @Nullable Instant stepStartedAt,
      List<AuditEntry> history,
      Instant updatedAt) {
    this(
        modelName,
        revision,
        champion,
        challenger,
        previous,
        phase,
        mode,
        challengerWeight,
        steps,
        stepIndex,
        stepStartedAt,
        history,
        updatedAt,
        null);
  }

  /** The waiting challengers, oldest first; empty when none wait. */
  public List<DeployedModel> queuedOrEmpty() {
    return queued == null ? List.of() : queued;
  }

  @Override
  public String key() {
    return modelName;
  }

  /** Share of requests the champion answers: {@code 1 - challengerWeight} in mode ab, else 1. */
  public double championWeight() {
    return mode == Mode.AB ? 1.0 - challengerWeight : 1.0;
  }
}
