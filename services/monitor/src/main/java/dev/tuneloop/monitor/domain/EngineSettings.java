package dev.tuneloop.monitor.domain;

import java.time.Duration;

/**
 * How the monitor windows traffic.
 *
 * @param windowSize a window closes after this many predictions
 * @param windowDuration ... or once it has been open this long (processing time), whichever first
 * @param feedbackHorizon feedback this long after its prediction still counts in the prediction's
 *     window; later feedback is ignored
 * @param maxTrackedRequests most predictions remembered for the feedback join (oldest forgotten
 *     first)
 * @param drift the drift tests' settings
 */
public record EngineSettings(
    int windowSize,
    Duration windowDuration,
    Duration feedbackHorizon,
    int maxTrackedRequests,
    DriftSettings drift) {

  /** Checks the ranges. */
  public EngineSettings {
    if (windowSize < 1) {
      throw new IllegalArgumentException("windowSize must be positive, was " + windowSize);
    }
    if (windowDuration.isNegative() || windowDuration.isZero()) {
      throw new IllegalArgumentException("windowDuration must be positive");
    }
    if (feedbackHorizon.isNegative()) {
      throw new IllegalArgumentException("feedbackHorizon must not be negative");
    }
    if (maxTrackedRequests < 1) {
      throw new IllegalArgumentException("maxTrackedRequests must be positive");
    }
  }
}
