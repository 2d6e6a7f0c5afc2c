package dev.tuneloop.monitor.domain;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.ModelHealth;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the monitor knows about one model, for {@code GET /api/v1/monitoring/{model}}.
 *
 * @param model the model
 * @param versions per version and arm
 * @param recentDrift the latest drift alarms, newest first
 */
public record ModelSnapshot(
    String model, List<VersionSnapshot> versions, List<DriftDetected> recentDrift) {

  /**
   * One version on one arm.
   *
   * @param version the model version
   * @param arm the arm
   * @param referenceProfileLoaded whether drift tests run (the version's profile is known)
   * @param openWindow the window being filled; absent between windows
   * @param windowsClosed windows reported so far (since this process started)
   * @param driftAlarms of those, windows that raised drift
   * @param lastHealth the latest health report
   * @param lastDrift the latest drift alarm
   */
  public record VersionSnapshot(
      String version,
      Arm arm,
      boolean referenceProfileLoaded,
      @Nullable OpenWindow openWindow,
      long windowsClosed,
      long driftAlarms,
      @Nullable ModelHealth lastHealth,
      @Nullable DriftDetected lastDrift) {}

  /**
   * The window being filled.
   *
   * @param openedAt when its first prediction arrived
   * @param predictions predictions so far
   * @param labelled of those, with feedback so far
   */
  public record OpenWindow(Instant openedAt, long predictions, long labelled) {}
}
