package dev.tuneloop.monitor.config;

import dev.tuneloop.events.DriftDetected.Severity;
import dev.tuneloop.events.TrainingStrategy;
import dev.tuneloop.monitor.domain.DriftSettings;
import dev.tuneloop.monitor.domain.EngineSettings;
import dev.tuneloop.monitor.domain.MonitorEngine;
import dev.tuneloop.monitor.domain.PolicySettings;
import dev.tuneloop.monitor.domain.RetrainingPolicy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;

/** Wires the plain domain classes from {@link MonitorConfig}. */
@Singleton
public class MonitorBeans {

  /** The windowing and drift engine. */
  @Produces
  @Singleton
  MonitorEngine engine(MonitorConfig config) {
    return new MonitorEngine(engineSettings(config));
  }

  /** The retraining policy. */
  @Produces
  @Singleton
  RetrainingPolicy policy(MonitorConfig config) {
    MonitorConfig.Retraining r = config.retraining();
    TrainingStrategy defaultStrategy =
        strategy(r.strategy(), "tuneloop.monitor.retraining.strategy");
    return new RetrainingPolicy(
        new PolicySettings(
            r.minNewTrainingRecords(),
            severity(r.driftSeverity()),
            r.cooldown(),
            r.openJobTimeout(),
            dataset -> r.datasetModels().getOrDefault(dataset, dataset),
            model -> {
              MonitorConfig.ModelOverrides o = r.models().get(model);
              return o == null ? r.baseModel() : o.baseModel().orElse(r.baseModel());
            },
            model -> {
              MonitorConfig.ModelOverrides o = r.models().get(model);
              return o == null || o.strategy().isEmpty()
                  ? defaultStrategy
                  : strategy(
                      o.strategy().get(),
                      "tuneloop.monitor.retraining.models." + model + ".strategy");
            }));
  }

  /** The engine settings of {@code config}. */
  public static EngineSettings engineSettings(MonitorConfig config) {
    MonitorConfig.Drift d = config.drift();
    DriftSettings drift =
        new DriftSettings(
            d.minSamples(),
            d.alpha(),
            thresholds(d.psiThresholds(), "psi-thresholds"),
            thresholds(d.jensenShannonThresholds(), "jensen-shannon-thresholds"),
            thresholds(d.ksThresholds(), "ks-thresholds"),
            thresholds(d.mmdThresholds(), "mmd-thresholds"),
            d.mmdSampleSize(),
            d.mmdPermutations());
    return new EngineSettings(
        config.windowSize(),
        config.windowDuration(),
        config.feedbackHorizon(),
        config.maxTrackedRequests(),
        drift);
  }

  private static DriftSettings.Thresholds thresholds(List<Double> values, String name) {
    if (values.size() != 3) {
      throw new IllegalArgumentException(
          "tuneloop.monitor.drift."
              + name
              + " needs three numbers (low, medium, high), got "
              + values);
    }
    return new DriftSettings.Thresholds(values.get(0), values.get(1), values.get(2));
  }

  private static Severity severity(String value) {
    try {
      return Severity.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tuneloop.monitor.retraining.drift-severity must be low, medium or high, was " + value,
          e);
    }
  }

  private static TrainingStrategy strategy(String value, String property) {
    try {
      return TrainingStrategy.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          property + " must be full, head, lora or qlora, was " + value, e);
    }
  }
}
