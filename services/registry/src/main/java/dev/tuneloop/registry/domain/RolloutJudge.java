package dev.tuneloop.registry.domain;

import static dev.tuneloop.registry.domain.Decision.f;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides, for the current step of a rollout, whether the challenger advances, holds or is rolled
 * back, from the health of both arms during the step.
 *
 * <p>Order of the checks:
 *
 * <ol>
 *   <li>Guards, as soon as the challenger has {@code guardMinSamples}: error rate and latency p99
 *       against the champion's. A breach rolls back at once.
 *   <li>Evidence: each arm has the step's minimum samples and the step its minimum duration; else
 *       hold (or roll back as inconclusive after {@code maxStepDuration}).
 *   <li>Quality. With {@code minLabelled} labelled predictions on both arms: a one-sided
 *       two-proportion z-test of online accuracy; a shortfall beyond {@code accuracyTolerance} that
 *       is significant at {@code alpha} rolls back, one that is not yet significant holds. With
 *       scarce labels: the predicted label distributions (Jensen-Shannon divergence above {@code
 *       maxDivergence} and a chi-square test significant at {@code alpha}) and the drop of mean
 *       confidence.
 *   <li>Otherwise advance.
 * </ol>
 */
public final class RolloutJudge {

  private final RolloutPolicy policy;

  /** A judge applying {@code policy}. */
  public RolloutJudge(RolloutPolicy policy) {
    this.policy = policy;
  }

  /**
   * The decision for step {@code stepIndex}, begun at {@code stepStartedAt}, at {@code now}.
   *
   * @param champion the champion's evidence during the step
   * @param challenger the challenger's evidence during the step
   */
  public Decision decide(
      int stepIndex,
      Instant stepStartedAt,
      Instant now,
      ArmSummary champion,
      ArmSummary challenger) {
    Decision guard = guards(champion, challenger);
    if (guard != null) {
      return guard;
    }
    Duration elapsed = Duration.between(stepStartedAt, now);
    long minSamples = policy.minSamplesAt(stepIndex);
    Duration minDuration = policy.minDurationAt(stepIndex);
    String step = "step " + (stepIndex + 1) + "/" + policy.steps().size();
    boolean overdue =
        policy.maxStepDuration() != null && elapsed.compareTo(policy.maxStepDuration()) > 0;
    // At a step where the challenger takes all A/B traffic the champion answers nothing, so it
    // cannot collect evidence: the two arms were compared at the earlier steps, and this step
    // only has to show the challenger healthy on its own (the guards above) for long enough.
    boolean championStarved =
        policy.steps().get(stepIndex) >= 1.0 && champion.samples() < minSamples;
    if (challenger.samples() < minSamples
        || (!championStarved && champion.samples() < minSamples)
        || elapsed.compareTo(minDuration) < 0) {
      String evidence =
          step
              + ": challenger "
              + challenger.samples()
              + "/"
              + minSamples
              + " samples, champion "
              + champion.samples()
              + "/"
              + minSamples
              + ", "
              + elapsed.toMillis()
              + "/"
              + minDuration.toMillis()
              + " ms";
      return overdue
          ? Decision.rollback("inconclusive after " + policy.maxStepDuration() + ": " + evidence)
          : Decision.hold("collecting evidence at " + evidence);
    }
    if (championStarved) {
      return Decision.advance(
          step
              + ": the challenger served all traffic healthily ("
              + challenger.samples()
              + " answers, error-rate and latency guards passed); it was compared with the"
              + " champion at the earlier steps");
    }
    Decision quality = quality(step, champion, challenger);
    if (quality.outcome() == Decision.Outcome.HOLD && overdue) {
      return Decision.rollback(
          "inconclusive after " + policy.maxStepDuration() + ": " + quality.reason());
    }
    return quality;
  }

  private Decision guards(ArmSummary champion, ArmSummary challenger) {
    if (challenger.samples() < policy.guardMinSamples()) {
      return null;
    }
    if (challenger.errorRate() != null) {
      double base = champion.errorRate() == null ? 0 : champion.errorRate();
      double increase = challenger.errorRate() - base;
      if (increase > policy.maxErrorRateIncrease()) {
        return Decision.rollback(
            "error rate "
                + f(challenger.errorRate())
                + " vs champion "
                + f(base)
                + ": increase "
                + f(increase)
                + " > "
                + f(policy.maxErrorRateIncrease()));
      }
    }
    if (challenger.latencyP99Millis() != null && champion.latencyP99Millis() != null) {
      double chal = challenger.latencyP99Millis();
      double champ = champion.latencyP99Millis();
      if (chal > champ * policy.maxLatencyRatio() && chal - champ > policy.latencySlackMillis()) {
        return Decision.rollback(
            "latency p99 "
                + f(chal)
                + " ms vs champion "
                + f(champ)
                + " ms: ratio "
                + f(chal / Math.max(champ, 1e-9))
                + " > "
                + f(policy.maxLatencyRatio()));
      }
    }
    return null;
  }

  private Decision quality(String step, ArmSummary champion, ArmSummary challenger) {
    if (challenger.labelled() >= policy.minLabelled()
        && champion.labelled() >= policy.minLabelled()) {
      double chal = challenger.accuracy();
      double champ = champion.accuracy();
      double shortfall = champ - chal;
      double p =
          Statistics.pValueLower(
              challenger.correct(), challenger.labelled(), champion.correct(), champion.labelled());
      String evidence =
          "online accuracy "
              + f(chal)
              + " (n="
              + challenger.labelled()
              + ") vs champion "
              + f(champ)
              + " (n="
              + champion.labelled()
              + "), one-sided z-test p="
              + f(p);
      if (shortfall > policy.accuracyTolerance()) {
        return p < policy.alpha()
            ? Decision.rollback(evidence + " < alpha " + f(policy.alpha()))
            : Decision.hold(step + ": challenger behind but not significantly, " + evidence);
      }
      return Decision.advance(step + " healthy: " + evidence);
    }
    double divergence =
        Statistics.jensenShannon(
            challenger.predictedLabelCounts(), champion.predictedLabelCounts());
    double p =
        Statistics.chiSquareHomogeneity(
            challenger.predictedLabelCounts(), champion.predictedLabelCounts());
    String labels =
        "labels scarce (challenger "
            + challenger.labelled()
            + ", champion "
            + champion.labelled()
            + " < "
            + policy.minLabelled()
            + "); ";
    if (divergence > policy.maxDivergence() && p < policy.alpha()) {
      return Decision.rollback(
          labels
              + "predicted label distribution diverges: Jensen-Shannon "
              + f(divergence)
              + " > "
              + f(policy.maxDivergence())
              + ", chi-square p="
              + f(p));
    }
    if (challenger.meanConfidence() != null && champion.meanConfidence() != null) {
      double drop = champion.meanConfidence() - challenger.meanConfidence();
      if (drop > policy.maxConfidenceDrop()) {
        return Decision.rollback(
            labels
                + "mean confidence "
                + f(challenger.meanConfidence())
                + " vs champion "
                + f(champion.meanConfidence())
                + ": drop "
                + f(drop)
                + " > "
                + f(policy.maxConfidenceDrop()));
      }
    }
    return Decision.advance(
        step
            + " healthy: "
            + labels
            + "Jensen-Shannon "
            + f(divergence)
            + " (chi-square p="
            + f(p)
            + "), mean confidence "
            + (challenger.meanConfidence() == null ? "n/a" : f(challenger.meanConfidence()))
            + " vs "
            + (champion.meanConfidence() == null ? "n/a" : f(champion.meanConfidence())));
  }
}
