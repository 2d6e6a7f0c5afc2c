package dev.tuneloop.registry.domain;

import dev.tuneloop.events.ModelHealth;
import dev.tuneloop.events.TimeWindow;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The health windows of one model version during one rollout step, summed. A window reported twice
 * (same start and end) counts once, with its latest figures.
 */
public final class HealthTally {

  private final String version;
  private final Map<TimeWindow, ModelHealth> windows = new LinkedHashMap<>();

  /** An empty tally for {@code version}. */
  public HealthTally(String version) {
    this.version = version;
  }

  /** The version counted. */
  public String version() {
    return version;
  }

  /** Adds (or replaces) a window of this version. */
  public void add(ModelHealth health) {
    if (!health.modelVersion().equals(version)) {
      throw new IllegalArgumentException(
          "health of version " + health.modelVersion() + " added to the tally of " + version);
    }
    windows.put(health.window(), health);
  }

  /** Windows counted. */
  public int windowCount() {
    return windows.size();
  }

  /** The sums and sample-weighted means of every window counted so far. */
  public ArmSummary summary() {
    long samples = 0;
    long labelled = 0;
    double correct = 0;
    double confidenceSum = 0;
    long confidenceWeight = 0;
    double errorSum = 0;
    long errorWeight = 0;
    double latencySum = 0;
    long latencyWeight = 0;
    Map<String, Long> predicted = new TreeMap<>();
    for (ModelHealth w : windows.values()) {
      samples += w.sampleCount();
      if (w.onlineAccuracy() != null && w.labelledCount() > 0) {
        labelled += w.labelledCount();
        correct += w.onlineAccuracy() * w.labelledCount();
      }
      if (w.meanConfidence() != null && w.sampleCount() > 0) {
        confidenceSum += w.meanConfidence() * w.sampleCount();
        confidenceWeight += w.sampleCount();
      }
      if (w.errorRate() != null && w.sampleCount() > 0) {
        errorSum += w.errorRate() * w.sampleCount();
        errorWeight += w.sampleCount();
      }
      if (w.latencyP99Millis() != null && w.sampleCount() > 0) {
        latencySum += w.latencyP99Millis() * w.sampleCount();
        latencyWeight += w.sampleCount();
      }
      w.predictedLabelCounts().forEach((label, n) -> predicted.merge(label, n, Long::sum));
    }
    return new ArmSummary(
        version,
        samples,
        labelled,
        Math.round(correct),
        confidenceWeight == 0 ? null : confidenceSum / confidenceWeight,
        errorWeight == 0 ? null : errorSum / errorWeight,
        latencyWeight == 0 ? null : latencySum / latencyWeight,
        predicted);
  }
}
