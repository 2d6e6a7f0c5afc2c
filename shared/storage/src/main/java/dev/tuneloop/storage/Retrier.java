package dev.tuneloop.storage;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Runs an operation and retries it, following a {@link RetryPolicy}, when it fails with an error
 * the given predicate calls transient. Any other error, or the last one once the attempts are used
 * up, is handed to a {@link FailureHandler} that turns it into the exception the caller sees.
 *
 * <p>Waiting and randomness are injectable so that tests run instantly and deterministically.
 */
public final class Retrier {

  private static final Logger LOG = Logger.getLogger(Retrier.class);

  /** One attempt of an operation. */
  @FunctionalInterface
  public interface Attempt<T> {
    /** Runs the attempt; any exception is classified as transient or not. */
    T run() throws Exception;
  }

  /** Waits between attempts. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits for the given time. */
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Turns the final failure of an operation into the exception its caller sees. */
  @FunctionalInterface
  public interface FailureHandler {
    /**
     * @param failure the error of the last attempt
     * @param attempts how many attempts were made
     * @return the exception to throw
     */
    RuntimeException onFailure(Exception failure, int attempts);
  }

  private final RetryPolicy policy;
  private final Predicate<Throwable> isTransient;
  private final Sleeper sleeper;
  private final DoubleSupplier random;

  /** A retrier that really sleeps and uses a thread-local random source for the jitter. */
  public Retrier(RetryPolicy policy, Predicate<Throwable> isTransient) {
    this(
        policy,
        isTransient,
        duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * @param policy how often and how long to retry
   * @param isTransient which errors are worth retrying
   * @param sleeper how to wait between attempts
   * @param random source of uniformly distributed numbers in [0, 1) for the jitter
   */
  public Retrier(
      RetryPolicy policy,
      Predicate<Throwable> isTransient,
      Sleeper sleeper,
      DoubleSupplier random) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.isTransient = Objects.requireNonNull(isTransient, "isTransient");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The policy this retrier follows. */
  public RetryPolicy policy() {
    return policy;
  }

  /**
   * Runs {@code attempt} until it succeeds, fails with a non-transient error, or the policy's
   * attempts are used up.
   *
   * @param description what is being done, for the log lines of retries
   * @param attempt the operation
   * @param onFailure builds the exception thrown when the operation finally fails
   * @return the result of the first successful attempt
   */
  public <T> T call(String description, Attempt<T> attempt, FailureHandler onFailure) {
    int attempts = 0;
    while (true) {
      attempts++;
      try {
        return attempt.run();
      } catch (Exception e) {
        if (attempts >= policy.maxAttempts() || !isTransient.test(e)) {
          throw onFailure.onFailure(e, attempts);
        }
        Duration wait = policy.backoff(attempts, random.getAsDouble());
        LOG.warnf(
            "%s failed (attempt %d of %d), retrying in %d ms: %s",
            description, attempts, policy.maxAttempts(), wait.toMillis(), e.toString());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          // Keep the interrupt visible to the caller's code and stop retrying.
          Thread.currentThread().interrupt();
          RuntimeException failure = onFailure.onFailure(e, attempts);
          failure.addSuppressed(interrupted);
          throw failure;
        }
      }
    }
  }
}
