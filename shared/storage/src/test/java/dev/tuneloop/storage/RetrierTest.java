package dev.tuneloop.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

  private final List<Duration> sleeps = new ArrayList<>();
  private final RetryPolicy policy =
      new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.5);
  private final Retrier retrier =
      new Retrier(policy, e -> e instanceof IOException, sleeps::add, () -> 0.5);

  private static RuntimeException wrap(Exception failure, int attempts) {
    return new IllegalStateException("failed after " + attempts + " attempts", failure);
  }

  @Test
  void retriesTransientFailuresWithGrowingJitteredBackoff() {
    AtomicInteger calls = new AtomicInteger();

    String result =
        retrier.call(
            "test",
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new ConnectException("Connection refused");
              }
              return "ok";
            },
            RetrierTest::wrap);

    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(3);
    // 100 ms and 200 ms, each with a quarter (jitter 0.5 * random 0.5) taken off.
    assertThat(sleeps).containsExactly(Duration.ofMillis(75), Duration.ofMillis(150));
  }

  @Test
  void doesNotRetryPermanentFailures() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                retrier.call(
                    "test",
                    () -> {
                      calls.incrementAndGet();
                      throw new IllegalArgumentException("NoSuchKey");
                    },
                    RetrierTest::wrap))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("failed after 1 attempts")
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(calls).hasValue(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastFailure() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                retrier.call(
                    "test",
                    () -> {
                      throw new IOException("attempt " + calls.incrementAndGet());
                    },
                    RetrierTest::wrap))
        .hasMessage("failed after 4 attempts")
        .cause()
        .hasMessage("attempt 4");
    assertThat(calls).hasValue(4);
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void stopsWhenInterruptedWhileWaiting() {
    Retrier interrupted =
        new Retrier(
            policy,
            e -> true,
            d -> {
              throw new InterruptedException("shutdown");
            },
            () -> 0.0);
    try {
      assertThatThrownBy(
              () ->
                  interrupted.call(
                      "test",
                      () -> {
                        throw new IOException("down");
                      },
                      RetrierTest::wrap))
          .hasMessage("failed after 1 attempts")
          .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void noRetryPolicyMakesOneAttempt() {
    Retrier once = new Retrier(RetryPolicy.NONE, e -> true, sleeps::add, () -> 0.0);
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                once.call(
                    "test",
                    () -> {
                      calls.incrementAndGet();
                      throw new IOException("down");
                    },
                    RetrierTest::wrap))
        .hasMessage("failed after 1 attempts");
    assertThat(calls).hasValue(1);
  }
}
