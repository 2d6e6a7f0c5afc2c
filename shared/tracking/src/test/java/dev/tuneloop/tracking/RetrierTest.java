package dev.tuneloop.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

  private static final RetryPolicy POLICY =
      new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(10));

  /** A clock that only moves when the retrier sleeps, so no test really waits. */
  private final List<Duration> sleeps = new ArrayList<>();

  private long nanos;

  private Retrier retrier(RetryPolicy policy, double jitter) {
    return new Retrier(
        policy,
        duration -> {
          sleeps.add(duration);
          nanos += duration.toNanos();
        },
        () -> nanos,
        () -> jitter);
  }

  private static MlflowApiException http(int status) {
    return new MlflowApiException("get run 'r'", status, "TEMPORARILY_UNAVAILABLE", "busy");
  }

  @Test
  void retriesTransientFailuresWithDoublingCappedBackoffUntilSuccess() {
    AtomicInteger calls = new AtomicInteger();
    String result =
        retrier(POLICY, 1.0)
            .call(
                "get run 'r'",
                () -> {
                  if (calls.incrementAndGet() < 4) {
                    throw calls.get() == 2 ? http(429) : http(503);
                  }
                  return "done";
                });

    assertThat(result).isEqualTo("done");
    assertThat(calls).hasValue(4);
    // jitter 1.0 = the full backoff: 100, 200, then capped at 300 ms
    assertThat(sleeps)
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300));
  }

  @Test
  void jitterDrawsBetweenHalfAndAllOfTheBackoff() {
    AtomicInteger calls = new AtomicInteger();
    retrier(POLICY, 0.0)
        .call(
            "op",
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new TrackingUnavailableException("connection refused", 1, null);
              }
              return 1;
            });

    assertThat(sleeps).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
  }

  @Test
  void throwsClientErrorsAtOnceWithoutSleeping() {
    AtomicInteger calls = new AtomicInteger();
    MlflowApiException notFound =
        new MlflowApiException("get run 'r'", 404, "RESOURCE_DOES_NOT_EXIST", "no run r");

    assertThatThrownBy(
            () ->
                retrier(POLICY, 0.5)
                    .call(
                        "get run 'r'",
                        () -> {
                          calls.incrementAndGet();
                          throw notFound;
                        }))
        .isSameAs(notFound);
    assertThat(calls).hasValue(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastFailureAsCause() {
    AtomicInteger calls = new AtomicInteger();
    MlflowApiException last = http(502);

    assertThatThrownBy(
            () ->
                retrier(POLICY, 0.5)
                    .call(
                        "log batch",
                        () -> {
                          calls.incrementAndGet();
                          throw calls.get() == 5 ? last : http(500);
                        }))
        .isInstanceOf(TrackingUnavailableException.class)
        .hasMessageContaining("log batch failed after 5 attempts")
        .hasMessageContaining("HTTP 502")
        .hasCause(last)
        .satisfies(e -> assertThat(((TrackingUnavailableException) e).attempts()).isEqualTo(5));
    assertThat(calls).hasValue(5);
    assertThat(sleeps).hasSize(4);
  }

  @Test
  void givesUpWhenTheNextWaitWouldExceedTheTimeBudget() {
    RetryPolicy shortBudget =
        new RetryPolicy(100, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(400));
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                retrier(shortBudget, 1.0)
                    .call(
                        "op",
                        () -> {
                          calls.incrementAndGet();
                          throw http(503);
                        }))
        .isInstanceOf(TrackingUnavailableException.class)
        .hasMessageContaining("after 3 attempts over 0.3 s");
    // waited 100 + 200 ms; the next wait (400 ms) would pass the 400 ms budget
    assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(calls).hasValue(3);
  }

  @Test
  void singleAttemptPolicyNeverRetries() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                retrier(RetryPolicy.NONE, 0.5)
                    .call(
                        "upload",
                        () -> {
                          calls.incrementAndGet();
                          throw http(503);
                        }))
        .isInstanceOf(TrackingUnavailableException.class)
        .hasMessageContaining("after 1 attempt over");
    assertThat(calls).hasValue(1);
  }

  @Test
  void interruptionWhileWaitingStopsRetryingAndKeepsTheInterruptFlag() {
    Retrier interrupted =
        new Retrier(
            POLICY,
            duration -> {
              throw new InterruptedException("shutdown");
            },
            () -> 0L,
            () -> 0.5);
    try {
      assertThatThrownBy(
              () ->
                  interrupted.call(
                      "op",
                      () -> {
                        throw http(503);
                      }))
          .isInstanceOf(TrackingException.class)
          .isNotInstanceOf(TrackingUnavailableException.class)
          .hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void policyRejectsNonsense() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(
            () ->
                new RetryPolicy(
                    3, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(10)))
        .hasMessageContaining("maxBackoff");
  }

  @Test
  void backoffDoublesAndCapsWithoutOverflow() {
    RetryPolicy policy =
        new RetryPolicy(100, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofHours(1));
    assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(policy.backoffAfter(5)).isEqualTo(Duration.ofMillis(3200));
    assertThat(policy.backoffAfter(6)).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.backoffAfter(90)).isEqualTo(Duration.ofSeconds(5));
  }
}
