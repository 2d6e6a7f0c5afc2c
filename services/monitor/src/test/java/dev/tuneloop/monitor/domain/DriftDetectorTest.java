package dev.tuneloop.monitor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.events.DriftDetected.DriftTest;
import dev.tuneloop.events.DriftDetected.Severity;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftDetectorTest {

  private final SyntheticTraffic traffic = new SyntheticTraffic(3);
  private final ReferenceProfile profile = traffic.profile(5000);
  private final DriftDetector detector = new DriftDetector(profile, DriftSettings.DEFAULT);

  private WindowSample window(int n, boolean shifted, long seed) {
    SyntheticTraffic source = new SyntheticTraffic(seed);
    Window w =
        new Window(
            new WindowKey("m", "1", dev.tuneloop.events.Arm.CHAMPION), 0, n, SyntheticTraffic.K);
    for (int i = 0; i < n; i++) {
      w.add(
          source.prediction(
              "m",
              "1",
              dev.tuneloop.events.Arm.CHAMPION,
              "r" + i,
              java.time.Instant.EPOCH,
              shifted));
    }
    return w.sample();
  }

  @Test
  void unshiftedWindowsRaiseNoAlarm() {
    for (long seed = 100; seed < 110; seed++) {
      DriftDetector.Detection d = detector.detect(window(1000, false, seed), seed);
      assertThat(d.tests()).hasSize(6);
      assertThat(d.drifted()).as("window %d: %s", seed, d.tests()).isFalse();
    }
  }

  @Test
  void shiftedWindowRaisesEveryTestWithSeverity() {
    DriftDetector.Detection d = detector.detect(window(1000, true, 5), 5);
    assertThat(d.drifted()).isTrue();
    Map<String, DriftTest> byName = new HashMap<>();
    d.tests().forEach(t -> byName.put(t.test() + "." + t.feature(), t));
    assertThat(byName)
        .containsOnlyKeys(
            "psi.predicted_label",
            "jensen_shannon.predicted_label",
            "ks.confidence",
            "ks.text_length",
            "psi.embedding_projections",
            "mmd.embedding");
    assertThat(byName.values()).allMatch(DriftTest::drifted);
    // confidence moved from U(0.7, 1) to U(0.5, 0.9): D is about 0.6
    assertThat(byName.get("ks.confidence").severity()).isEqualTo(Severity.HIGH);
    assertThat(byName.get("ks.confidence").pValue()).isLessThan(1e-6);
    assertThat(d.severity()).isEqualTo(Severity.HIGH);
    assertThat(d.scores()).containsKeys("psi.predicted_label", "mmd.embedding");
  }

  @Test
  void tinyWindowRunsNoTest() {
    DriftDetector.Detection d = detector.detect(window(50, true, 5), 5);
    assertThat(d.tests()).isEmpty();
    assertThat(d.drifted()).isFalse();
  }

  @Test
  void hugeWindowWithANegligibleEffectDoesNotAlarm() {
    // 200,000 predictions whose spam share is 0.45 instead of 0.40: significant, but negligible
    Map<String, Long> counts = Map.of("spam", 90_000L, "ham", 110_000L);
    int n = 200_000;
    SplittableRandom random = new SplittableRandom(1);
    double[] confidence = new double[n];
    double[] length = new double[n];
    for (int i = 0; i < n; i++) {
      confidence[i] = 0.705 + 0.3 * random.nextDouble();
      length[i] = profile.textLength().sample().get(i % 1000);
    }
    WindowSample sample =
        new WindowSample(n, counts, confidence, length, new double[0], 0, null, 0);
    DriftDetector.Detection d = detector.detect(sample, 1);
    DriftTest psi = d.tests().get(0);
    assertThat(psi.feature()).isEqualTo("predicted_label");
    assertThat(psi.pValue()).isLessThan(0.001);
    assertThat(psi.drifted()).isFalse();
    assertThat(d.drifted()).as("%s", d.tests()).isFalse();
  }

  @Test
  void severityFollowsTheEffectSize() {
    DriftSettings.Thresholds t = new DriftSettings.Thresholds(0.1, 0.25, 0.5);
    assertThat(t.severityOf(0.12)).isEqualTo(Severity.LOW);
    assertThat(t.severityOf(0.3)).isEqualTo(Severity.MEDIUM);
    assertThat(t.severityOf(0.9)).isEqualTo(Severity.HIGH);
  }

  @Test
  void profileRoundTripsThroughJson() {
    ReferenceProfile read = ReferenceProfile.parse(profile.toJson());
    assertThat(read).isEqualTo(profile);
    assertThat(new String(profile.toJson()))
        .contains("\"predicted_label_distribution\"", "\"projected_sample\"");
  }
}
