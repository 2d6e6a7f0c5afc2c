package dev.tuneloop.registry.domain;

import dev.tuneloop.events.DeploymentState.Mode;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How rollouts run and how the judge decides between advance, hold and rollback.
 *
 * @param steps challenger weight of each step, increasing, the last one usually {@code 1.0}
 * @param mode A/B by weight or shadow (mirrored traffic)
 * @param minSamples least predictions each arm must have served in a step before it may advance;
 *     one value per step, or one value for all steps
 * @param minDurations least time a step lasts before it may advance; per step or one for all
 * @param maxStepDuration a step that could not advance for this long is rolled back as
 *     inconclusive; {@code null} = wait forever
 * @param minLabelled labelled predictions both arms need before accuracy is compared; below it the
 *     label-free signals decide
 * @param alpha significance level of the statistical tests (one-sided z-test, chi-square)
 * @param accuracyTolerance largest accuracy shortfall of the challenger accepted without a test
 * @param maxDivergence largest Jensen-Shannon divergence (base 2, 0..1) of the predicted label
 *     distributions accepted when it is significant
 * @param maxConfidenceDrop largest drop of mean confidence (champion minus challenger) accepted
 * @param maxErrorRateIncrease largest increase of the error rate accepted
 * @param maxLatencyRatio largest challenger / champion ratio of latency p99 accepted
 * @param latencySlackMillis a latency p99 difference below this is never a reason to roll back
 * @param guardMinSamples challenger predictions needed before the error and latency guards act
 *     (they may roll back before the step's minimum samples)
 * @param onNewChallenger what a passing candidate does while a rollout runs
 * @param historyLimit audit entries kept in the state (oldest dropped)
 */
public record RolloutPolicy(
    List<Double> steps,
    Mode mode,
    List<Long> minSamples,
    List<Duration> minDurations,
    @Nullable Duration maxStepDuration,
    long minLabelled,
    double alpha,
    double accuracyTolerance,
    double maxDivergence,
    double maxConfidenceDrop,
    double maxErrorRateIncrease,
    double maxLatencyRatio,
    double latencySlackMillis,
    long guardMinSamples,
    NewChallengerPolicy onNewChallenger,
    int historyLimit) {

  /** What a candidate that passes evaluation during a rollout does. */
  public enum NewChallengerPolicy {
    /** It waits; its rollout starts when the current one ends. */
    QUEUE,
    /** It replaces the current challenger; the rollout restarts at the first step. */
    REPLACE
  }

  /** Checks that the settings make sense together. */
  public RolloutPolicy {
    steps = List.copyOf(steps);
    minSamples = List.copyOf(minSamples);
    minDurations = List.copyOf(minDurations);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a rollout needs at least one step");
    }
    double last = 0;
    for (double weight : steps) {
      if (!(weight > last) || weight > 1.0) {
        throw new IllegalArgumentException(
            "step weights must increase strictly within (0, 1], were " + steps);
      }
      last = weight;
    }
    perStep(minSamples, steps.size(), "min-samples");
    perStep(minDurations, steps.size(), "min-duration");
    minSamples.forEach(n -> require(n >= 0, "min-samples must not be negative"));
    minDurations.forEach(d -> require(!d.isNegative(), "min-duration must not be negative"));
    require(alpha > 0 && alpha < 1, "alpha must be within (0, 1), was " + alpha);
    require(minLabelled >= 1, "min-labelled must be at least 1");
    require(maxLatencyRatio >= 1, "max-latency-ratio must be at least 1");
    require(historyLimit >= 1, "history-limit must be at least 1");
    require(mode != null && onNewChallenger != null, "mode and on-new-challenger are required");
  }

  private static void perStep(List<?> values, int steps, String name) {
    if (values.size() != 1 && values.size() != steps) {
      throw new IllegalArgumentException(
          name + " needs one value or one per step (" + steps + "), had " + values.size());
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Least predictions per arm in step {@code index}. */
  public long minSamplesAt(int index) {
    return minSamples.size() == 1 ? minSamples.get(0) : minSamples.get(index);
  }

  /** Least duration of step {@code index}. */
  public Duration minDurationAt(int index) {
    return minDurations.size() == 1 ? minDurations.get(0) : minDurations.get(index);
  }

  /** The defaults documented in the README: 10 %, 50 %, 100 %, A/B, queue. */
  public static RolloutPolicy defaults() {
    return new RolloutPolicy(
        List.of(0.1, 0.5, 1.0),
        Mode.AB,
        List.of(500L),
        List.of(Duration.ofMinutes(10)),
        Duration.ofHours(24),
        200,
        0.05,
        0.0,
        0.1,
        0.1,
        0.02,
        1.5,
        5.0,
        100,
        NewChallengerPolicy.QUEUE,
        50);
  }
}
