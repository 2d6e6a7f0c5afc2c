package dev.tuneloop.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Records refuse to exist in a state that breaks the contract, and say which field is wrong. */
class EventValidationTest {

  /** Every record instance inside every sample: the events and their nested records. */
  static Stream<Record> records() throws ReflectiveOperationException {
    List<Record> records = new ArrayList<>();
    for (TuneloopEvent event : SampleEvents.variants()) {
      collect((Record) event, records);
    }
    return records.stream();
  }

  @ParameterizedTest
  @MethodSource("records")
  void aMissingRequiredFieldIsRejectedByName(Record record) throws Exception {
    RecordComponent[] components = record.getClass().getRecordComponents();
    for (int i = 0; i < components.length; i++) {
      if (components[i].getType().isPrimitive()) {
        continue;
      }
      Object[] args = EventSchemaTest.arguments(record);
      args[i] = null;
      Throwable failure = construct(record.getClass(), args);
      String name = components[i].getName();
      if (EventSchemaTest.isNullable(components[i])) {
        // Optional, unless a rule ties it to another field; then the message names it.
        if (failure != null) {
          assertThat(failure).isInstanceOf(InvalidEventException.class).hasMessageContaining(name);
        }
      } else {
        assertThat(failure)
            .as("%s.%s = null", record.getClass().getSimpleName(), name)
            .isInstanceOf(InvalidEventException.class)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(name + " is required");
      }
    }
  }

  @Test
  void collectionsAreCopiedAndUnmodifiable() {
    List<String> labels = new ArrayList<>(List.of("ham", "spam"));
    Map<String, Double> metrics = new HashMap<>(Map.of("accuracy", 0.9));
    ModelTrained sample = SampleEvents.modelTrained();
    ModelTrained event =
        new ModelTrained(
            "spam",
            "job-1",
            "s3://m/",
            "run",
            metrics,
            labels,
            sample.lineage(),
            sample.trainedAt());

    labels.add("eggs");
    metrics.put("loss", 1.0);

    assertThat(event.labels()).containsExactly("ham", "spam");
    assertThat(event.validationMetrics()).containsOnlyKeys("accuracy");
    assertThatThrownBy(() -> event.labels().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void namesThatCouldTraverseAPathAreRejected() {
    for (String bad :
        List.of("../etc", "a/b", "-starts-with-dash", "white space", "", "x".repeat(129))) {
      assertThatThrownBy(() -> feedbackFor(bad))
          .as(bad)
          .isInstanceOf(InvalidEventException.class)
          .hasMessageContaining("modelName");
    }
    assertThatCode(() -> feedbackFor("spam-filter_v2.1")).doesNotThrowAnyException();
  }

  @Test
  void nonFiniteMetricsAreRejected() {
    TrainingStatus sample = SampleEvents.trainingStatusRunning();

    assertThatThrownBy(
            () ->
                new TrainingStatus(
                    "job-1",
                    "spam",
                    TrainingStatus.State.RUNNING,
                    1,
                    null,
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Map.of("loss", Double.NaN),
                    null,
                    null,
                    sample.reportedAt()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("metrics[loss] must be a finite number, was NaN");
  }

  @Test
  void failedJobNeedsAFailureAndOnlyAFailedJobHasOne() {
    TrainingStatus failed = SampleEvents.trainingStatusFailed();
    TrainingStatus running = SampleEvents.trainingStatusRunning();

    assertThatThrownBy(() -> withState(failed, TrainingStatus.State.FAILED, null))
        .hasMessage("failure is required when state is failed");
    assertThatThrownBy(() -> withState(failed, TrainingStatus.State.SUCCEEDED, failed.failure()))
        .hasMessage("failure must be absent when state is succeeded");
    assertThat(withState(running, TrainingStatus.State.SUCCEEDED, null).state().terminal())
        .isTrue();
  }

  @Test
  void verdictMustAgreeWithItsReasons() {
    ModelEvaluated pass = SampleEvents.modelEvaluatedForcedPass();
    ModelEvaluated fail = SampleEvents.modelEvaluatedFail();

    assertThatThrownBy(() -> withVerdict(pass, ModelEvaluated.Verdict.PASS, null))
        .hasMessageContaining("needs an override");
    assertThatThrownBy(() -> withVerdict(fail, ModelEvaluated.Verdict.FAIL, pass.override()))
        .hasMessage("override is only allowed with verdict pass");
    ModelEvaluated allPassed =
        new ModelEvaluated(
            "spam",
            "job-1",
            "s3://m/",
            "r1",
            "r2",
            "spam",
            1,
            Map.of(),
            null,
            Map.of(),
            ModelEvaluated.Verdict.PASS,
            List.of(),
            null,
            fail.evaluatedAt());
    assertThatThrownBy(() -> withVerdict(allPassed, ModelEvaluated.Verdict.FAIL, null))
        .hasMessageContaining("at least one reason with passed=false");
  }

  @Test
  void activeRolloutNeedsAChallengerAndAStepInThePlan() {
    DeploymentState canary = SampleEvents.deploymentStateCanary();

    assertThatThrownBy(() -> rollout(canary, canary.challenger(), 3))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("stepIndex");
    assertThatThrownBy(() -> rollout(canary, null, 1))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("challenger");
    assertThat(canary.championWeight()).isEqualTo(0.5);
  }

  @Test
  void driftEventNeedsADriftedTestWithSeverity() {
    DriftDetected drift = SampleEvents.driftDetected();
    DriftDetected.DriftTest quiet = drift.tests().get(1);

    assertThatThrownBy(
            () ->
                new DriftDetected(
                    "spam",
                    "3",
                    drift.window(),
                    10,
                    DriftDetected.Severity.LOW,
                    List.of(quiet),
                    drift.detectedAt()))
        .hasMessage("tests must contain at least one drifted test");
    assertThatThrownBy(() -> new DriftDetected.DriftTest("psi", "x", 0.3, 0.2, null, true, null))
        .hasMessage("severity is required when drifted is true");
  }

  @Test
  void timeWindowEndsAfterItStarts() {
    assertThatThrownBy(() -> new TimeWindow(SampleEvents.T1, SampleEvents.T0))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("end")
        .hasMessageContaining("start");
  }

  // --- helpers
  // ------------------------------------------------------------------------------------

  private static Feedback feedbackFor(String modelName) {
    return new Feedback("req-1", modelName, "ham", null, SampleEvents.T0);
  }

  private static TrainingStatus withState(
      TrainingStatus s, TrainingStatus.State state, TrainingStatus.Failure failure) {
    return new TrainingStatus(
        s.jobId(),
        s.modelName(),
        state,
        s.step(),
        s.totalSteps(),
        s.epoch(),
        s.totalEpochs(),
        s.loss(),
        s.learningRate(),
        s.samplesPerSecond(),
        s.etaSeconds(),
        s.metrics(),
        failure,
        s.workerId(),
        s.reportedAt());
  }

  private static ModelEvaluated withVerdict(
      ModelEvaluated e, ModelEvaluated.Verdict verdict, ModelEvaluated.OperatorOverride override) {
    return new ModelEvaluated(
        e.modelName(),
        e.jobId(),
        e.candidateUri(),
        e.candidateRunId(),
        e.evaluationRunId(),
        e.dataset(),
        e.datasetVersion(),
        e.candidateMetrics(),
        e.championVersion(),
        e.championMetrics(),
        verdict,
        e.reasons(),
        override,
        e.evaluatedAt());
  }

  private static DeploymentState rollout(
      DeploymentState s, DeploymentState.DeployedModel challenger, Integer stepIndex) {
    return new DeploymentState(
        s.modelName(),
        s.revision(),
        s.champion(),
        challenger,
        s.previous(),
        s.phase(),
        s.mode(),
        challenger == null ? 0.0 : s.challengerWeight(),
        s.steps(),
        stepIndex,
        s.stepStartedAt(),
        s.history(),
        s.updatedAt());
  }

  private static Throwable construct(Class<?> type, Object[] args)
      throws ReflectiveOperationException {
    try {
      EventSchemaTest.canonicalConstructor(type).newInstance(args);
      return null;
    } catch (InvocationTargetException e) {
      return e.getCause();
    }
  }

  private static void collect(Record record, List<Record> into)
      throws ReflectiveOperationException {
    into.add(record);
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      Object value = component.getAccessor().invoke(record);
      Collection<?> values =
          value instanceof Collection<?> c
              ? c
              : value instanceof Map<?, ?> m
                  ? m.values()
                  : value == null ? List.of() : List.of(value);
      for (Object element : values) {
        if (element instanceof Record nested) {
          collect(nested, into);
        }
      }
    }
  }
}
