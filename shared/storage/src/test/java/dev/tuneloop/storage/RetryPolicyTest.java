package dev.tuneloop.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.5);

  @Test
  void backoffGrowsExponentiallyUpToTheCap() {
    // random 0 = no jitter taken off: the pure exponential schedule.
    assertThat(policy.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoff(2, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoff(3, 0.0)).isEqualTo(Duration.ofMillis(400));
    assertThat(policy.backoff(4, 0.0)).isEqualTo(Duration.ofMillis(800));
    assertThat(policy.backoff(5, 0.0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoff(1000, 0.0)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void jitterTakesOffAtMostItsFraction() {
    assertThat(policy.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(300));
    assertThat(policy.backoff(3, 0.999999))
        .isBetween(Duration.ofMillis(200), Duration.ofMillis(201));

    RetryPolicy fullJitter =
        new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 1.0);
    assertThat(fullJitter.backoff(2, 0.75)).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void rejectsNonsensicalPolicies() {
    Duration ms = Duration.ofMillis(1);
    assertThatThrownBy(() -> new RetryPolicy(0, ms, ms, 2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), ms, 2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> new RetryPolicy(3, ms, ms, 0.5, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiplier");
    assertThatThrownBy(() -> new RetryPolicy(3, ms, ms, 2, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, ms, 2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initialBackoff");
  }
}
