package dev.tuneloop.storage;

import java.time.Duration;

/**
 * How often and how patiently a transient failure is retried: up to {@code maxAttempts} attempts,
 * waiting an exponentially growing backoff between them ({@code initialBackoff * multiplier^(n-1)},
 * capped at {@code maxBackoff}), of which a random fraction up to {@code jitter} is taken off so
 * that many clients failing together do not retry in lockstep.
 *
 * @param maxAttempts total attempts including the first, at least 1 (1 means no retry)
 * @param initialBackoff the wait before the first retry, before jitter
 * @param maxBackoff the longest wait between two attempts
 * @param multiplier growth factor of the wait per retry, at least 1
 * @param jitter fraction of the wait that is randomised away, 0 (none) to 1 (full jitter)
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter) {

  /** Five attempts, 200 ms to 10 s apart, doubling, with half of each wait randomised. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10), 2.0, 0.5);

  /** One attempt, no retry (health checks want the current state, fast). */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), 1.0, 0.0);

  /** Validates the policy. */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "retry maxAttempts must be at least 1 (1 = no retry), was " + maxAttempts);
    }
    requirePositive("initialBackoff", initialBackoff);
    requirePositive("maxBackoff", maxBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "retry maxBackoff ("
              + maxBackoff
              + ") must not be shorter than initialBackoff ("
              + initialBackoff
              + ")");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException(
          "retry multiplier must be a finite number >= 1, was " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("retry jitter must be between 0 and 1, was " + jitter);
    }
  }

  /**
   * The wait before retry number {@code retry}.
   *
   * @param retry 1 for the wait after the first failed attempt, 2 after the second, ...
   * @param random a uniformly distributed number in [0, 1) that picks the jitter
   * @return the wait, between {@code (1 - jitter)} and 1 times the exponential backoff
   */
  public Duration backoff(int retry, double random) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry number starts at 1, was " + retry);
    }
    if (!(random >= 0.0 && random < 1.0)) {
      throw new IllegalArgumentException("random must be in [0, 1), was " + random);
    }
    double max = maxBackoff.toNanos();
    // Computed in double and capped before converting, so large retry numbers cannot overflow.
    double exponential = Math.min(max, initialBackoff.toNanos() * Math.pow(multiplier, retry - 1));
    double withJitter = exponential * (1.0 - jitter * random);
    return Duration.ofNanos(Math.round(withJitter));
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("retry " + name + " must be positive, was " + value);
    }
  }
}
