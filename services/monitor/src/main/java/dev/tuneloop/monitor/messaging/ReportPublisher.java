package dev.tuneloop.monitor.messaging;

import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.ModelHealth;
import dev.tuneloop.monitor.domain.WindowReport;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Publishes what the engine reports: {@code tuneloop.model.health} for every window (again when
 * late feedback changed it), {@code tuneloop.drift.detected} for a drifted window, which also goes
 * to the retraining policy; and sets the gauges.
 */
@ApplicationScoped
public class ReportPublisher {

  private static final Logger LOG = Logger.getLogger(ReportPublisher.class);
  private static final String SOURCE = "tuneloop-monitor";
  private static final int MAX_PENDING = 10_000;

  private final EventPublisher publisher;
  private final PolicyService policy;
  private final MonitorMetrics metrics;
  private final Deque<WindowReport> pending = new ArrayDeque<>();

  ReportPublisher(EventPublisher publisher, PolicyService policy, MonitorMetrics metrics) {
    this.publisher = publisher;
    this.policy = policy;
    this.metrics = metrics;
  }

  /**
   * Queues the reports and publishes everything queued, in order. When Kafka or the policy fails,
   * the report that failed and those after it stay queued for the next call (the ticker calls every
   * few seconds), so a window's report is delivered at least once; the failure is rethrown.
   */
  public synchronized void publish(List<WindowReport> reports) {
    pending.addAll(reports);
    while (pending.size() > MAX_PENDING) {
      WindowReport dropped = pending.removeFirst();
      LOG.errorf(
          "dropped the health report of %s version %s (window %s): %d reports are waiting for Kafka",
          dropped.health().modelName(),
          dropped.health().modelVersion(),
          dropped.health().window(),
          pending.size());
    }
    while (!pending.isEmpty()) {
      publishOne(pending.peekFirst());
      pending.removeFirst();
    }
  }

  /** Reports waiting to be published after a failure. */
  public synchronized int pending() {
    return pending.size();
  }

  private void publishOne(WindowReport report) {
    ModelHealth health = report.health();
    EventEnvelope<ModelHealth> healthEvent = EventEnvelope.startLoop(health, SOURCE);
    metrics.window(health, report.drift(), report.update());
    publisher.publish(healthEvent);
    DriftDetected drift = report.drift();
    if (drift != null) {
      EventEnvelope<DriftDetected> driftEvent = EventEnvelope.causedBy(healthEvent, drift, SOURCE);
      publisher.publish(driftEvent);
      LOG.infof(
          "drift %s on %s version %s over %d predictions",
          drift.severity().name().toLowerCase(java.util.Locale.ROOT),
          drift.modelName(),
          drift.modelVersion(),
          drift.sampleCount());
      policy.onDrift(driftEvent);
    }
  }
}
