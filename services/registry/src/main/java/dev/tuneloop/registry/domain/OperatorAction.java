package dev.tuneloop.registry.domain;

import java.util.Locale;
import java.util.Optional;

/** What an operator may ask of a model's rollout ({@code POST .../rollout/{action}}). */
public enum OperatorAction {
  /** Promote the challenger now, without waiting for the remaining steps. */
  PROMOTE,
  /** Withdraw the challenger; with no rollout running, revert the champion to {@code previous}. */
  ROLLBACK,
  /** Stop the rollout without promotion. */
  ABORT,
  /** Pause the rollout at its step. */
  PAUSE,
  /** Continue a paused rollout. */
  RESUME;

  /** The action named {@code name} (case-insensitive), if there is one. */
  public static Optional<OperatorAction> parse(String name) {
    for (OperatorAction action : values()) {
      if (action.name().equalsIgnoreCase(name)) {
        return Optional.of(action);
      }
    }
    return Optional.empty();
  }

  /** The name as used in paths. */
  public String path() {
    return name().toLowerCase(Locale.ROOT);
  }
}
