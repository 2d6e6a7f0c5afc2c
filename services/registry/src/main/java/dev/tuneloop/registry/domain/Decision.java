package dev.tuneloop.registry.domain;

import java.util.Locale;

/**
 * The judge's verdict on a rollout step.
 *
 * @param outcome advance (or promote at the last step), hold, or roll back
 * @param reason the evidence behind it, for people and the audit trail
 */
public record Decision(Outcome outcome, String reason) {

  /** What the rollout does next. */
  public enum Outcome {
    /** Go to the next step; at the last step, promote. */
    ADVANCE,
    /** Stay at this step and collect more evidence. */
    HOLD,
    /** Withdraw the challenger. */
    ROLLBACK
  }

  static Decision advance(String reason) {
    return new Decision(Outcome.ADVANCE, reason);
  }

  static Decision hold(String reason) {
    return new Decision(Outcome.HOLD, reason);
  }

  static Decision rollback(String reason) {
    return new Decision(Outcome.ROLLBACK, reason);
  }

  static String f(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
