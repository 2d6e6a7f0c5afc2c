package dev.tuneloop.registry.domain;

import static dev.tuneloop.registry.domain.Fixtures.arm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.registry.domain.Decision.Outcome;
import dev.tuneloop.registry.domain.RolloutPolicy.NewChallengerPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RolloutJudgeTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Instant LATER = T0.plus(Duration.ofMinutes(2));
  private final RolloutJudge judge = new RolloutJudge(Fixtures.policy(NewChallengerPolicy.QUEUE));

  @Test
  void holdsUntilBothArmsHaveTheMinimumSamples() {
    Decision d =
        judge.decide(
            0, T0, LATER, arm("1", 500, 0, 0, 0.9, 0, 20, 150), arm("2", 60, 0, 0, 0.9, 0, 20, 18));
    assertThat(d.outcome()).isEqualTo(Outcome.HOLD);
    assertThat(d.reason()).contains("challenger 60/100 samples").contains("step 1/3");
  }

  @Test
  void holdsUntilTheMinimumDurationPassed() {
    Decision d =
        judge.decide(
            1,
            T0,
            T0.plusSeconds(30),
            arm("1", 500, 0, 0, 0.9, 0, 20, 150),
            arm("2", 500, 0, 0, 0.9, 0, 20, 150));
    assertThat(d.outcome()).isEqualTo(Outcome.HOLD);
    assertThat(d.reason()).contains("30000/60000 ms");
  }

  @Test
  void atTheFullTrafficStepAHealthyChallengerAdvancesWithoutChampionEvidence() {
    // step 3/3 sends all traffic to the challenger: the champion answers nothing
    Decision d =
        judge.decide(
            2,
            T0,
            LATER,
            arm("1", 3, 0, 0, 0.9, 0, 20, 1),
            arm("2", 500, 200, 180, 0.9, 0, 20, 150));
    assertThat(d.outcome()).isEqualTo(Outcome.ADVANCE);
    assertThat(d.reason()).contains("served all traffic");
  }

  @Test
  void atTheFullTrafficStepTheChallengerStillNeedsItsSamplesAndDuration() {
    Decision early =
        judge.decide(
            2, T0, LATER, arm("1", 0, 0, 0, 0.9, 0, 20, 0), arm("2", 60, 0, 0, 0.9, 0, 20, 18));
    assertThat(early.outcome()).isEqualTo(Outcome.HOLD);
    Decision soon =
        judge.decide(
            2,
            T0,
            T0.plusSeconds(10),
            arm("1", 0, 0, 0, 0.9, 0, 20, 0),
            arm("2", 500, 0, 0, 0.9, 0, 20, 150));
    assertThat(soon.outcome()).isEqualTo(Outcome.HOLD);
  }

  @Test
  void advancesOnEqualAccuracyWithEnoughLabels() {
    Decision d =
        judge.decide(
            0,
            T0,
            LATER,
            arm("1", 1000, 400, 360, 0.9, 0, 20, 300),
            arm("2", 1000, 400, 362, 0.9, 0, 20, 300));
    assertThat(d.outcome()).isEqualTo(Outcome.ADVANCE);
    assertThat(d.reason()).contains("online accuracy").contains("z-test");
  }

  @Test
  void rollsBackOnASignificantAccuracyDrop() {
    Decision d =
        judge.decide(
            0,
            T0,
            LATER,
            arm("1", 1000, 400, 360, 0.9, 0, 20, 300),
            arm("2", 1000, 400, 300, 0.9, 0, 20, 300));
    assertThat(d.outcome()).isEqualTo(Outcome.ROLLBACK);
    assertThat(d.reason()).contains("0.7500").contains("0.9000").contains("< alpha");
  }

  @Test
  void holdsOnADropThatIsNotYetSignificant() {
    Decision d =
        judge.decide(
            0,
            T0,
            LATER,
            arm("1", 1000, 200, 180, 0.9, 0, 20, 300),
            arm("2", 1000, 200, 176, 0.9, 0, 20, 300));
    assertThat(d.outcome()).isEqualTo(Outcome.HOLD);
    assertThat(d.reason()).contains("not significantly");
  }

  @Test
  void withScarceLabelsRollsBackOnADivergentPredictionDistribution() {
    Decision d =
        judge.decide(
            0,
            T0,
            LATER,
            arm("1", 1000, 10, 9, 0.9, 0, 20, 300),
            arm("2", 1000, 10, 9, 0.9, 0, 20, 800));
    assertThat(d.outcome()).isEqualTo(Outcome.ROLLBACK);
    assertThat(d.reason()).contains("labels scarce").contains("Jensen-Shannon");
  }

  @Test
  void withScarceLabelsRollsBackOnAConfidenceDrop() {
    Decision d =
        judge.decide(
            0,
            T0,
            LATER,
            arm("1", 1000, 0, 0, 0.92, 0, 20, 300),
            arm("2", 1000, 0, 0, 0.70, 0, 20, 310));
    assertThat(d.outcome()).isEqualTo(Outcome.ROLLBACK);
    assertThat(d.reason()).contains("mean confidence").contains("drop 0.2200");
  }

  @Test
  void withScarceLabelsAdvancesWhenDistributionAndConfidenceMatch() {
    Decision d =
        judge.decide(
            2,
            T0,
            LATER,
            arm("1", 1000, 0, 0, 0.92, 0, 20, 300),
            arm("2", 1000, 0, 0, 0.90, 0, 20, 310));
    assertThat(d.outcome()).isEqualTo(Outcome.ADVANCE);
    assertThat(d.reason()).contains("step 3/3 healthy");
  }

  @Test
  void errorRateGuardActsBeforeTheMinimumSamplesAndDuration() {
    Decision d =
        judge.decide(
            0,
            T0,
            T0.plusSeconds(1),
            arm("1", 60, 0, 0, 0.9, 0.001, 20, 18),
            arm("2", 60, 0, 0, 0.9, 0.2, 20, 18));
    assertThat(d.outcome()).isEqualTo(Outcome.ROLLBACK);
    assertThat(d.reason()).contains("error rate 0.2000");
  }

  @Test
  void latencyGuardNeedsBothRatioAndAbsoluteSlack() {
    Decision slow =
        judge.decide(
            0,
            T0,
            LATER,
            arm("1", 500, 0, 0, 0.9, 0, 40, 150),
            arm("2", 500, 0, 0, 0.9, 0, 90, 150));
    assertThat(slow.outcome()).isEqualTo(Outcome.ROLLBACK);
    assertThat(slow.reason()).contains("latency p99");
    // 2 ms vs 4 ms is a ratio of 2 but below the 5 ms slack
    Decision tiny =
        judge.decide(
            0, T0, LATER, arm("1", 500, 0, 0, 0.9, 0, 2, 150), arm("2", 500, 0, 0, 0.9, 0, 4, 150));
    assertThat(tiny.outcome()).isEqualTo(Outcome.ADVANCE);
  }

  @Test
  void aStepWithoutEvidenceForTooLongIsRolledBackAsInconclusive() {
    Decision d =
        judge.decide(
            0,
            T0,
            T0.plus(Duration.ofHours(2)),
            arm("1", 500, 0, 0, 0.9, 0, 20, 150),
            arm("2", 10, 0, 0, 0.9, 0, 20, 3));
    assertThat(d.outcome()).isEqualTo(Outcome.ROLLBACK);
    assertThat(d.reason()).startsWith("inconclusive");
  }
}
