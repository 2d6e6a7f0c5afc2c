package dev.tuneloop.trainer.domain;

import dev.tuneloop.events.TrainingStatus.State;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle of a job: {@code validating -> queued -> running -> succeeded | failed |
 * cancelled}; any non-terminal state may also end {@code failed} or {@code cancelled}. A job taken
 * again after its worker died starts over at {@code validating} (and resumes its checkpoint). A
 * terminal state never changes.
 */
public final class JobStateMachine {

  private static final Map<State, Set<State>> NEXT =
      Map.of(
          State.VALIDATING, EnumSet.of(State.QUEUED, State.FAILED, State.CANCELLED),
          State.QUEUED, EnumSet.of(State.RUNNING, State.FAILED, State.CANCELLED),
          State.RUNNING, EnumSet.of(State.RUNNING, State.SUCCEEDED, State.FAILED, State.CANCELLED),
          State.SUCCEEDED, EnumSet.noneOf(State.class),
          State.FAILED, EnumSet.noneOf(State.class),
          State.CANCELLED, EnumSet.noneOf(State.class));

  private JobStateMachine() {}

  /** Whether a job in {@code from} (null: new) may move to {@code to}. */
  public static boolean allowed(State from, State to) {
    if (from == null) {
      return to == State.VALIDATING;
    }
    if (to == State.VALIDATING) {
      // redelivery of an unfinished job to a (new) worker
      return !from.terminal();
    }
    return NEXT.get(from).contains(to);
  }

  /**
   * Checks a transition.
   *
   * @throws IllegalStateException if it is not allowed
   */
  public static void check(State from, State to) {
    if (!allowed(from, to)) {
      throw new IllegalStateException(
          "a job cannot move from " + (from == null ? "nothing" : name(from)) + " to " + name(to));
    }
  }

  private static String name(State s) {
    return s.name().toLowerCase(Locale.ROOT);
  }
}
