package dev.tuneloop.registry.domain;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DeploymentState.Mode;
import dev.tuneloop.events.ModelHealth;
import dev.tuneloop.events.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Policies and health windows for the domain tests. */
final class Fixtures {

  private Fixtures() {}

  /** Steps 10/50/100 %, 100 samples and 1 minute per step, 200 labels for accuracy. */
  static RolloutPolicy policy(RolloutPolicy.NewChallengerPolicy onNew) {
    return new RolloutPolicy(
        List.of(0.1, 0.5, 1.0),
        Mode.AB,
        List.of(100L),
        List.of(Duration.ofMinutes(1)),
        Duration.ofHours(1),
        200,
        0.05,
        0.0,
        0.1,
        0.1,
        0.02,
        1.5,
        5,
        50,
        onNew,
        20);
  }

  static ArmSummary arm(
      String version,
      long samples,
      long labelled,
      long correct,
      double confidence,
      double errorRate,
      double p99,
      long spam) {
    return new ArmSummary(
        version,
        samples,
        labelled,
        correct,
        confidence,
        errorRate,
        p99,
        Map.of("spam", spam, "ham", samples - spam));
  }

  static ModelHealth health(
      String model,
      String version,
      Arm arm,
      Instant start,
      long samples,
      long labelled,
      Double accuracy,
      double confidence,
      long spam) {
    return new ModelHealth(
        model,
        version,
        arm,
        new TimeWindow(start, start.plusSeconds(10)),
        samples,
        labelled,
        accuracy,
        null,
        null,
        confidence,
        0.0,
        20.0,
        Map.of("spam", spam, "ham", samples - spam),
        Map.of(),
        start.plusSeconds(10));
  }
}
