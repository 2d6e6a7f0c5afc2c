package dev.tuneloop.monitor.messaging;

import dev.tuneloop.events.DriftDetected;
import dev.tuneloop.events.ModelHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus gauges per model version and arm, set from each window's health: {@code
 * tuneloop_monitor_online_accuracy}, {@code _macro_f1}, {@code _estimated_accuracy}, {@code
 * _mean_confidence}, {@code _window_samples}, {@code _labelled_samples}, {@code _drift_score} (tag
 * {@code test}, e.g. {@code ks.confidence}) and {@code _drift_severity} (0 none, 1 low, 2 medium, 3
 * high); counters {@code tuneloop_monitor_predictions_total} and {@code _drift_alarms_total} per
 * model.
 */
@ApplicationScoped
public class MonitorMetrics {

  private final MeterRegistry registry;
  private final Map<String, double[]> gauges = new ConcurrentHashMap<>();
  private final Map<String, Counter> predictions = new ConcurrentHashMap<>();

  MonitorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts a consumed prediction of {@code model}. */
  public void prediction(String model) {
    predictions
        .computeIfAbsent(
            model,
            m -> Counter.builder("tuneloop.monitor.predictions").tag("model", m).register(registry))
        .increment();
  }

  /**
   * Sets the gauges of a window's version from its health (and its drift, if any); for an update
   * after late feedback only the feedback-based gauges.
   */
  public void window(ModelHealth h, DriftDetected drift, boolean update) {
    Tags tags =
        Tags.of(
            "model", h.modelName(),
            "version", h.modelVersion(),
            "arm", h.arm().name().toLowerCase(Locale.ROOT));
    set("tuneloop.monitor.online.accuracy", tags, h.onlineAccuracy());
    set("tuneloop.monitor.macro.f1", tags, h.macroF1());
    set("tuneloop.monitor.labelled.samples", tags, (double) h.labelledCount());
    if (update) {
      return;
    }
    set("tuneloop.monitor.estimated.accuracy", tags, h.estimatedAccuracy());
    set("tuneloop.monitor.mean.confidence", tags, h.meanConfidence());
    set("tuneloop.monitor.window.samples", tags, (double) h.sampleCount());
    h.driftScores()
        .forEach(
            (test, value) -> set("tuneloop.monitor.drift.score", tags.and("test", test), value));
    set(
        "tuneloop.monitor.drift.severity",
        tags,
        drift == null ? 0.0 : (double) drift.severity().ordinal() + 1);
    if (drift != null) {
      registry.counter("tuneloop.monitor.drift.alarms", "model", h.modelName()).increment();
    }
  }

  private void set(String name, Tags tags, Double value) {
    if (value == null) {
      return;
    }
    String id = name + tags;
    double[] holder =
        gauges.computeIfAbsent(
            id,
            k -> {
              double[] cell = {Double.NaN};
              Gauge.builder(name, cell, c -> c[0]).tags(tags).register(registry);
              return cell;
            });
    holder[0] = value;
  }
}
