package dev.tuneloop.monitor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DriftDetected.Severity;
import dev.tuneloop.events.Feedback;
import dev.tuneloop.events.ModelHealth;
import dev.tuneloop.events.Prediction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorEngineTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private final SyntheticTraffic traffic = new SyntheticTraffic(9);

  private static MonitorEngine engine(int windowSize) {
    return new MonitorEngine(
        new EngineSettings(
            windowSize,
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            100_000,
            DriftSettings.DEFAULT));
  }

  private Prediction prediction(String id, Arm arm, String version, Instant at) {
    return traffic.prediction("spam", version, arm, id, at, false);
  }

  private static Prediction labelled(String id, String label, Instant at) {
    return new Prediction(
        id,
        "spam",
        "1",
        Arm.CHAMPION,
        false,
        null,
        label,
        0.8,
        null,
        new Prediction.InputProfile(100, null, null),
        3,
        at);
  }

  private static Feedback feedback(String id, String label, Instant at) {
    return new Feedback(id, "spam", label, null, at);
  }

  @Test
  void windowClosesByCountPerVersionAndArm() {
    MonitorEngine engine = engine(10);
    List<WindowReport> reports = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      reports.addAll(
          engine.onPrediction(prediction("a" + i, Arm.CHAMPION, "1", T0.plusSeconds(i)), T0));
      reports.addAll(
          engine.onPrediction(prediction("b" + i, Arm.CHALLENGER, "2", T0.plusSeconds(i)), T0));
    }
    assertThat(reports).hasSize(4);
    assertThat(reports).allMatch(r -> r.health().sampleCount() == 10 && r.drift() == null);
    ModelHealth first = reports.get(0).health();
    assertThat(first.modelVersion()).isEqualTo("1");
    assertThat(first.window().start()).isEqualTo(T0);
    assertThat(first.window().end()).isEqualTo(T0.plusSeconds(9).plusMillis(1));
    assertThat(first.predictedLabelCounts().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(10);
    assertThat(first.labelledCount()).isZero();
    assertThat(first.onlineAccuracy()).isNull();
    // no profile: health only, no drift scores
    assertThat(first.driftScores()).isEmpty();
    assertThat(first.estimatedAccuracy()).isBetween(0.7, 1.0);
    assertThat(engine.snapshot("spam").orElseThrow().versions()).hasSize(2);
    assertThat(engine.snapshot("other")).isEmpty();
  }

  @Test
  void windowClosesByTime() {
    MonitorEngine engine = engine(1000);
    engine.onPrediction(prediction("a", Arm.CHAMPION, "1", T0), T0);
    assertThat(engine.tick(T0.plus(Duration.ofMinutes(4)))).isEmpty();
    List<WindowReport> reports = engine.tick(T0.plus(Duration.ofMinutes(5)));
    assertThat(reports)
        .singleElement()
        .satisfies(r -> assertThat(r.health().sampleCount()).isEqualTo(1));
  }

  @Test
  void feedbackGivesAccuracyAndMacroF1AndLateFeedbackUpdatesItsWindow() {
    MonitorEngine engine = engine(4);
    engine.onPrediction(labelled("r1", "spam", T0), T0);
    engine.onPrediction(labelled("r2", "spam", T0), T0);
    engine.onPrediction(labelled("r3", "ham", T0), T0);
    assertThat(engine.onFeedback(feedback("r1", "spam", T0.plusSeconds(1)))).isTrue();
    assertThat(engine.onFeedback(feedback("r2", "ham", T0.plusSeconds(1)))).isTrue();
    // a second feedback for the same request is ignored
    assertThat(engine.onFeedback(feedback("r2", "spam", T0.plusSeconds(2)))).isFalse();
    List<WindowReport> closed = engine.onPrediction(labelled("r4", "ham", T0), T0);
    ModelHealth health = closed.get(0).health();
    assertThat(health.labelledCount()).isEqualTo(2);
    assertThat(health.onlineAccuracy()).isEqualTo(0.5);
    // spam: tp 1, fp 1, fn 0 -> F1 2/3; ham: tp 0, fn 1 -> 0; macro 1/3
    assertThat(health.macroF1()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(health.estimatedAccuracy()).isCloseTo(0.8, within(1e-12));

    // late but within the horizon: counted in the closed window, re-reported at the next tick
    assertThat(engine.onFeedback(feedback("r3", "ham", T0.plus(Duration.ofMinutes(20))))).isTrue();
    // beyond the horizon: ignored
    assertThat(engine.onFeedback(feedback("r4", "spam", T0.plus(Duration.ofMinutes(31)))))
        .isFalse();
    List<WindowReport> updates = engine.tick(T0.plus(Duration.ofMinutes(20)));
    assertThat(updates)
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.update()).isTrue();
              assertThat(u.health().window()).isEqualTo(health.window());
              assertThat(u.health().labelledCount()).isEqualTo(3);
              assertThat(u.health().onlineAccuracy()).isCloseTo(2.0 / 3, within(1e-12));
            });
    assertThat(engine.tick(T0.plus(Duration.ofMinutes(21)))).isEmpty();
  }

  @Test
  void feedbackBeforeItsPredictionWaitsForIt() {
    MonitorEngine engine = engine(1);
    assertThat(engine.onFeedback(feedback("early", "spam", T0))).isFalse();
    List<WindowReport> reports = engine.onPrediction(labelled("early", "spam", T0), T0);
    assertThat(reports.get(0).health().labelledCount()).isEqualTo(1);
    assertThat(reports.get(0).health().onlineAccuracy()).isEqualTo(1.0);
  }

  @Test
  void redeliveredPredictionIsCountedOnce() {
    MonitorEngine engine = engine(100);
    Prediction p = labelled("dup", "spam", T0);
    engine.onPrediction(p, T0);
    engine.onPrediction(p, T0);
    assertThat(engine.snapshot("spam").orElseThrow().versions().get(0).openWindow().predictions())
        .isEqualTo(1);
  }

  @Test
  void shadowPredictionsOfOneRequestBothGetTheFeedback() {
    MonitorEngine engine = engine(1);
    engine.onPrediction(labelled("s", "spam", T0), T0);
    Prediction shadow =
        new Prediction(
            "s",
            "spam",
            "2",
            Arm.CHALLENGER,
            true,
            null,
            "ham",
            0.6,
            null,
            new Prediction.InputProfile(100, null, null),
            3,
            T0);
    engine.onPrediction(shadow, T0);
    engine.onFeedback(feedback("s", "ham", T0));
    List<WindowReport> updates = engine.tick(T0);
    assertThat(updates).hasSize(2);
    assertThat(updates)
        .extracting(u -> u.health().onlineAccuracy())
        .containsExactlyInAnyOrder(0.0, 1.0);
  }

  @Test
  void windowsOfAVersionWithAProfileAreTestedForDrift() {
    MonitorEngine engine = engine(500);
    engine.setProfile("spam", "1", traffic.profile(3000));
    List<WindowReport> reports = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      boolean shifted = i >= 500;
      reports.addAll(
          engine.onPrediction(
              traffic.prediction("spam", "1", Arm.CHAMPION, "p" + i, T0, shifted), T0));
    }
    assertThat(reports).hasSize(2);
    assertThat(reports.get(0).drift()).isNull();
    assertThat(reports.get(0).health().driftScores()).containsKey("ks.confidence");
    assertThat(reports.get(1).drift()).isNotNull();
    assertThat(reports.get(1).drift().severity()).isEqualTo(Severity.HIGH);
    ModelSnapshot.VersionSnapshot v = engine.snapshot("spam").orElseThrow().versions().get(0);
    assertThat(v.referenceProfileLoaded()).isTrue();
    assertThat(v.windowsClosed()).isEqualTo(2);
    assertThat(v.driftAlarms()).isEqualTo(1);
  }
}
