package dev.tuneloop.tracking;

import java.time.Duration;
import java.util.Objects;

/**
 * How transient failures are retried: exponential backoff with jitter, bounded both by a number of
 * attempts and by the total time spent.
 *
 * @param maxAttempts attempts in total, including the first one (at least 1; 1 = no retries)
 * @param initialBackoff the backoff before the second attempt; doubles after each failure
 * @param maxBackoff the largest backoff between two attempts
 * @param maxElapsed no new attempt starts once this much time has passed since the first one
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxElapsed) {

  /** Five attempts, 200 ms doubling up to 5 s between them, at most 30 s in total. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30));

  /** A single attempt. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /** Checks the values. */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxElapsed, "maxElapsed");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxElapsed.isNegative()) {
      throw new IllegalArgumentException(
          "retry durations must not be negative: initialBackoff="
              + initialBackoff
              + ", maxBackoff="
              + maxBackoff
              + ", maxElapsed="
              + maxElapsed);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff ("
              + maxBackoff
              + ") must not be less than initialBackoff ("
              + initialBackoff
              + ")");
    }
  }

  /**
   * The backoff before attempt {@code failedAttempts + 1}, before jitter: {@code initialBackoff *
   * 2^(failedAttempts - 1)}, capped at {@code maxBackoff}.
   */
  Duration backoffAfter(int failedAttempts) {
    int doublings = Math.min(Math.max(failedAttempts - 1, 0), 30);
    long nanos = initialBackoff.toNanos();
    long capped = maxBackoff.toNanos();
    long backoff = nanos > (capped >> doublings) ? capped : nanos << doublings;
    return Duration.ofNanos(Math.min(backoff, capped));
  }
}
