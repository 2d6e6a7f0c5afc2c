package dev.tuneloop.events;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The monitor found that live traffic of a model version drifted from its training-time reference
 * profile.
 *
 * <p>Producer: monitor. Consumers: monitor (retraining policy), operators. Key: the model name.
 *
 * @param modelName the registered model
 * @param modelVersion the MLflow model version whose traffic drifted
 * @param window the time span of the predictions tested
 * @param sampleCount predictions in the window
 * @param severity the overall severity (the highest of the drifted tests')
 * @param tests every test run on the window, drifted or not
 * @param detectedAt when drift was detected
 */
public record DriftDetected(
    String modelName,
    String modelVersion,
    TimeWindow window,
    long sampleCount,
    Severity severity,
    List<DriftTest> tests,
    Instant detectedAt)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.drift.detected.v1";

  /** Kafka topic. */
  public static final String TOPIC = Topics.DRIFT_DETECTED;

  /** How bad a drift is, in increasing order. JSON: {@code low}, {@code medium}, {@code high}. */
  public enum Severity {
    /** Noticeable; worth watching. */
    LOW,
    /** Clear; retraining advisable. */
    MEDIUM,
    /** Severe; quality is likely hurt now. */
    HIGH
  }

  /**
   * One statistical test against the reference profile.
   *
   * @param test the test, e.g. {@code psi}, {@code jensen_shannon}, {@code ks}, {@code mmd}
   * @param feature what was compared, e.g. {@code predicted_label}, {@code confidence}, {@code
   *     text_length}, {@code embedding}
   * @param statistic the test statistic
   * @param threshold the statistic's alarm threshold (for this sample size)
   * @param pValue the p-value, for tests that have one
   * @param drifted whether the test raised an alarm
   * @param severity the test's severity; present when {@code drifted}
   */
  public record DriftTest(
      String test,
      String feature,
      double statistic,
      double threshold,
      @Nullable Double pValue,
      boolean drifted,
      @Nullable Severity severity) {

    /** Checks every field. */
    public DriftTest {
      Require.nonBlank(test, "test");
      Require.nonBlank(feature, "feature");
      Require.finite(statistic, "statistic");
      Require.finite(threshold, "threshold");
      Require.fractionIfPresent(pValue, "pValue");
      if (drifted && severity == null) {
        throw new InvalidEventException("severity is required when drifted is true");
      }
    }
  }

  /** Checks every field and that at least one test drifted. */
  public DriftDetected {
    Require.name(modelName, "modelName");
    Require.nonBlank(modelVersion, "modelVersion");
    Require.present(window, "window");
    Require.nonNegative(sampleCount, "sampleCount");
    Require.present(severity, "severity");
    tests = Require.list(tests, "tests");
    Require.present(detectedAt, "detectedAt");
    if (tests.stream().noneMatch(DriftTest::drifted)) {
      throw new InvalidEventException("tests must contain at least one drifted test");
    }
  }

  @Override
  public String key() {
    return modelName;
  }
}
