package dev.tuneloop.monitor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.events.DatasetCurated;
import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.DriftDetected.Severity;
import dev.tuneloop.events.TimeWindow;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStatus;
import dev.tuneloop.events.TrainingStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrainingPolicyTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private final RetrainingPolicy policy =
      new RetrainingPolicy(
          new PolicySettings(
              100,
              Severity.MEDIUM,
              Duration.ofHours(1),
              Duration.ofHours(24),
              dataset -> dataset.equals("mails") ? "spam" : dataset,
              model -> "tiny-base",
              model -> TrainingStrategy.HEAD));

  private static DatasetCurated curated(int version, long trainRecords) {
    DatasetCurated.SplitCounts train =
        new DatasetCurated.SplitCounts(trainRecords, Math.min(trainRecords, 10), Map.of());
    DatasetCurated.SplitCounts none = new DatasetCurated.SplitCounts(0, 0, Map.of());
    return new DatasetCurated(
        "mails",
        version,
        "s3://tuneloop-datasets/mails/v" + version + "/manifest.json",
        "ab",
        List.of("ham", "spam"),
        List.of("b1"),
        train,
        none,
        none,
        trainRecords,
        Map.of(),
        null,
        T0);
  }

  private static DriftDetected drift(Severity severity) {
    DriftDetected.DriftTest test =
        new DriftDetected.DriftTest("ks", "confidence", 0.4, 0.1, 0.0, true, severity);
    return new DriftDetected(
        "spam", "3", new TimeWindow(T0, T0), 1000, severity, List.of(test), T0);
  }

  private static TrainingStatus status(String jobId, TrainingStatus.State state) {
    return new TrainingStatus(
        jobId,
        "spam",
        state,
        0,
        null,
        0,
        null,
        null,
        null,
        null,
        null,
        Map.of(),
        state == TrainingStatus.State.FAILED ? new TrainingStatus.Failure("x", "y") : null,
        null,
        T0);
  }

  @Test
  void enoughNewTrainingRecordsRequestTrainingOnce() {
    PolicyState state = PolicyState.initial("spam");
    RetrainingPolicy.Decision few = policy.onDatasetCurated(state, curated(1, 50), null, T0);
    assertThat(few.request()).isEmpty();
    assertThat(few.state().lastDecision()).contains("50 new training records, fewer than 100");

    RetrainingPolicy.Decision enough =
        policy.onDatasetCurated(few.state(), curated(2, 150), "4", T0);
    TrainingRequested request = enough.request().orElseThrow();
    assertThat(request.reason()).isEqualTo(TrainingRequested.Reason.NEW_DATA);
    assertThat(request.modelName()).isEqualTo("spam");
    assertThat(request.dataset()).isEqualTo("mails");
    assertThat(request.datasetVersion()).isEqualTo(2);
    assertThat(request.baseModel()).isEqualTo("tiny-base");
    assertThat(request.strategy()).isEqualTo(TrainingStrategy.HEAD);
    assertThat(request.warmStartFrom()).isEqualTo("4");
    assertThat(enough.state().openJobId()).isEqualTo(request.jobId());
    assertThat(enough.state().trainRecordsAtLastRequest()).isEqualTo(150);

    // redelivery of the same version: nothing
    assertThat(policy.onDatasetCurated(enough.state(), curated(2, 150), null, T0).changed())
        .isFalse();
  }

  @Test
  void coolDownAndOpenJobBlockRequests() {
    PolicyState state =
        policy.onDatasetCurated(PolicyState.initial("spam"), curated(1, 500), null, T0).state();
    String job = state.openJobId();
    // a job is open
    RetrainingPolicy.Decision blocked =
        policy.onDatasetCurated(state, curated(2, 1000), null, T0.plusSeconds(10));
    assertThat(blocked.request()).isEmpty();
    assertThat(blocked.state().lastDecision()).contains("still open");
    // it ends, but the cool-down is not over
    PolicyState ended =
        policy
            .onTrainingStatus(blocked.state(), status(job, TrainingStatus.State.SUCCEEDED), T0)
            .state();
    assertThat(ended.openJobId()).isNull();
    RetrainingPolicy.Decision cooling =
        policy.onDatasetCurated(ended, curated(3, 1500), null, T0.plusSeconds(20));
    assertThat(cooling.request()).isEmpty();
    assertThat(cooling.state().lastDecision()).contains("cool-down");
    // after the cool-down, the records still count as new
    RetrainingPolicy.Decision later =
        policy.onDatasetCurated(
            cooling.state(), curated(4, 1510), null, T0.plus(Duration.ofHours(2)));
    assertThat(later.request()).isPresent();
    assertThat(later.request().get().datasetVersion()).isEqualTo(4);
  }

  @Test
  void jobsStartedByOthersBlockToo() {
    PolicyState state = PolicyState.initial("spam");
    PolicyState open =
        policy
            .onTrainingStatus(state, status("manual-1", TrainingStatus.State.RUNNING), T0)
            .state();
    assertThat(open.openJobId()).isEqualTo("manual-1");
    assertThat(policy.onDatasetCurated(open, curated(1, 500), null, T0).request()).isEmpty();
    // a stale open job (no end within the timeout) no longer blocks
    assertThat(
            policy
                .onDatasetCurated(open, curated(1, 500), null, T0.plus(Duration.ofHours(25)))
                .request())
        .isPresent();
  }

  @Test
  void driftAtOrAboveTheSeverityRequestsTraining() {
    PolicyState state =
        policy.onDatasetCurated(PolicyState.initial("spam"), curated(1, 10), null, T0).state();
    assertThat(policy.onDrift(state, drift(Severity.LOW), "e1", null, null, T0).request())
        .isEmpty();
    TrainingRequested request =
        policy.onDrift(state, drift(Severity.HIGH), "e2", "3", null, T0).request().orElseThrow();
    assertThat(request.reason()).isEqualTo(TrainingRequested.Reason.DRIFT);
    assertThat(request.reasonDetail()).contains("e2").contains("high");
    assertThat(request.datasetVersion()).isEqualTo(1);
    assertThat(request.warmStartFrom()).isEqualTo("3");
  }

  @Test
  void driftWithoutAnyKnownDatasetCannotRequest() {
    RetrainingPolicy.Decision d =
        policy.onDrift(PolicyState.initial("spam"), drift(Severity.HIGH), "e", null, null, T0);
    assertThat(d.request()).isEmpty();
    assertThat(d.state().lastDecision()).contains("no dataset version is known");
    RetrainingPolicy.Decision found =
        policy.onDrift(
            PolicyState.initial("spam"),
            drift(Severity.HIGH),
            "e",
            null,
            new RetrainingPolicy.DatasetVersion("spam", 7, 900),
            T0);
    assertThat(found.request().orElseThrow().datasetVersion()).isEqualTo(7);
  }
}
