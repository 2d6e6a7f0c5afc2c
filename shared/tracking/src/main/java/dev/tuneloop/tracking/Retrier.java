package dev.tuneloop.tracking;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs a call and retries it while it fails transiently, following a {@link RetryPolicy}.
 *
 * <p>Transient means: MLflow could not be reached ({@link TrackingUnavailableException}) or it
 * answered HTTP 429 or 5xx ({@link MlflowApiException#isTransient()}). Anything else is thrown at
 * once. The wait before attempt {@code n + 1} is drawn uniformly from {@code [b/2, b]} with {@code
 * b = policy.backoffAfter(n)} ("equal jitter"): the half that is fixed keeps a floor under the
 * wait, the random half keeps many clients that failed together from retrying in lockstep.
 */
public final class Retrier {

  private static final System.Logger LOG = System.getLogger(Retrier.class.getName());

  /** Waits between attempts; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    /** Blocks for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
  }

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final LongSupplier nanoClock;
  private final DoubleSupplier jitter;

  /** A retrier that really sleeps, measures time with {@link System#nanoTime()}. */
  public Retrier(RetryPolicy policy) {
    this(
        policy,
        duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000),
        System::nanoTime,
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * @param policy how often and how long to retry
   * @param sleeper waits between attempts
   * @param nanoClock a monotonic clock in nanoseconds
   * @param jitter random numbers in {@code [0, 1)}
   */
  public Retrier(
      RetryPolicy policy, Sleeper sleeper, LongSupplier nanoClock, DoubleSupplier jitter) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.jitter = Objects.requireNonNull(jitter, "jitter");
  }

  /** The policy this retrier follows. */
  public RetryPolicy policy() {
    return policy;
  }

  /** Whether {@code failure} may go away by trying again. */
  public static boolean isTransient(RuntimeException failure) {
    return failure instanceof TrackingUnavailableException
        || (failure instanceof MlflowApiException api && api.isTransient());
  }

  /**
   * Runs {@code call}, retrying transient failures.
   *
   * @param operation what the call does, for messages (e.g. {@code get run 'abc'})
   * @param call the call; it must be safe to repeat
   * @return what the call returned
   * @throws TrackingUnavailableException when transient failures outlast the policy
   * @throws RuntimeException any other failure of the call, unchanged, at its first occurrence
   */
  public <T> T call(String operation, Supplier<T> call) {
    long start = nanoClock.getAsLong();
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (RuntimeException failure) {
        if (!isTransient(failure)) {
          throw failure;
        }
        Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
        if (attempt >= policy.maxAttempts()) {
          throw givenUp(operation, attempt, elapsed, failure);
        }
        Duration backoff = policy.backoffAfter(attempt);
        Duration wait =
            backoff.dividedBy(2).plusNanos((long) (jitter.getAsDouble() * backoff.toNanos() / 2));
        if (elapsed.plus(wait).compareTo(policy.maxElapsed()) > 0) {
          throw givenUp(operation, attempt, elapsed, failure);
        }
        LOG.log(
            System.Logger.Level.WARNING,
            "MLflow {0}: attempt {1} of {2} failed transiently ({3}); retrying in {4} ms",
            operation,
            attempt,
            policy.maxAttempts(),
            failure.getMessage(),
            wait.toMillis());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          TrackingException stopped =
              new TrackingException(
                  "MLflow " + operation + " was interrupted while waiting to retry", interrupted);
          stopped.addSuppressed(failure);
          throw stopped;
        }
      }
    }
  }

  /** Runs {@code call}, retrying transient failures (see {@link #call(String, Supplier)}). */
  public void run(String operation, Runnable call) {
    call(
        operation,
        () -> {
          call.run();
          return null;
        });
  }

  private static TrackingUnavailableException givenUp(
      String operation, int attempts, Duration elapsed, RuntimeException last) {
    String message =
        String.format(
            Locale.ROOT,
            "MLflow %s failed after %d attempt%s over %.1f s: %s",
            operation,
            attempts,
            attempts == 1 ? "" : "s",
            elapsed.toMillis() / 1000.0,
            last.getMessage());
    return new TrackingUnavailableException(message, attempts, last);
  }
}
