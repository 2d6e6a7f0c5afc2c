package dev.tuneloop.trainer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.events.TrainingStatus.State;
import dev.tuneloop.ml.train.TrainingProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JobTrackerTest {

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-11-24T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final JobTracker tracker =
      new JobTracker("job-1", "spam", "worker-a", clock, Duration.ofSeconds(10));

  @Test
  void followsTheLifecycleAndRefusesToLeaveATerminalState() {
    assertThat(tracker.moveTo(State.VALIDATING).state()).isEqualTo(State.VALIDATING);
    assertThat(tracker.moveTo(State.QUEUED).state()).isEqualTo(State.QUEUED);
    assertThat(tracker.moveTo(State.RUNNING).state()).isEqualTo(State.RUNNING);
    assertThat(tracker.moveTo(State.SUCCEEDED).state()).isEqualTo(State.SUCCEEDED);
    assertThatThrownBy(() -> tracker.moveTo(State.RUNNING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("from succeeded to running");
  }

  @Test
  void cannotSkipValidation() {
    assertThatThrownBy(() -> tracker.moveTo(State.RUNNING))
        .isInstanceOf(IllegalStateException.class);
    assertThat(JobStateMachine.allowed(State.RUNNING, State.VALIDATING)).isTrue();
    assertThat(JobStateMachine.allowed(State.FAILED, State.VALIDATING)).isFalse();
    assertThat(JobStateMachine.allowed(State.QUEUED, State.SUCCEEDED)).isFalse();
  }

  @Test
  void failureCarriesCodeAndMessage() {
    tracker.moveTo(State.VALIDATING);
    JobSnapshot failed = tracker.fail("dataset_not_found", "no v3");
    assertThat(failed.toEvent().failure().code()).isEqualTo("dataset_not_found");
    assertThat(failed.toEvent().failure().message()).isEqualTo("no v3");
  }

  @Test
  void progressIsDueEveryIntervalWhileRunningWithEtaFromThroughput() {
    tracker.moveTo(State.VALIDATING);
    tracker.moveTo(State.QUEUED);
    assertThat(tracker.progressDue()).isFalse();
    tracker.plan(2, null);
    tracker.moveTo(State.RUNNING);
    assertThat(tracker.progressDue()).isFalse();
    clock.advance(Duration.ofSeconds(5));
    tracker.progress(new TrainingProgress(10, 40, 0.5, 0.7, 1e-4, 1.0, 32));
    assertThat(tracker.progressDue()).isFalse();
    clock.advance(Duration.ofSeconds(5));
    assertThat(tracker.progressDue()).isTrue();
    JobSnapshot s = tracker.report();
    assertThat(s.step()).isEqualTo(10);
    assertThat(s.totalSteps()).isEqualTo(40);
    assertThat(s.epoch()).isEqualTo(1);
    assertThat(s.loss()).isEqualTo(0.7);
    // 10 steps in 10 s, 30 to go
    assertThat(s.etaSeconds()).isEqualTo(30);
    assertThat(tracker.progressDue()).isFalse();
  }

  @Test
  void resumeStepIsReportedAndCountsForEta() {
    tracker.moveTo(State.VALIDATING);
    tracker.moveTo(State.QUEUED);
    tracker.resumedFrom(20);
    tracker.moveTo(State.RUNNING);
    clock.advance(Duration.ofSeconds(10));
    tracker.progress(new TrainingProgress(30, 40, 1.5, 0.5, 1e-4, 1.0, 32));
    JobSnapshot s = tracker.report();
    assertThat(s.resumedFromStep()).isEqualTo(20);
    assertThat(s.metrics()).containsEntry(JobTracker.RESUMED_FROM_STEP, 20.0);
    assertThat(s.etaSeconds()).isEqualTo(10);
    assertThat(s.epoch()).isEqualTo(2);
  }
}
