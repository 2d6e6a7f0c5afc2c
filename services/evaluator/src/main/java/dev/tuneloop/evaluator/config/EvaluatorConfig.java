package dev.tuneloop.evaluator.config;

import dev.tuneloop.evaluator.domain.GatePolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluator settings ({@code tuneloop.evaluator.*}): the default gate policy under {@code policy},
 * per-model overrides under {@code policies."<model>"}.
 */
@ConfigMapping(prefix = "tuneloop.evaluator")
public interface EvaluatorConfig {

  /** The gate policy of every model without its own settings. */
  DefaultPolicy policy();

  /** Per-model overrides of the default policy, keyed by model name. */
  Map<String, PolicyOverride> policies();

  /**
   * Bearer token an operator must send to force a pass; without one, forced passes are refused
   * (403).
   */
  Optional<String> operatorToken();

  /** Texts per forward pass when scoring (latency is reported per batch of this size). */
  @WithDefault("32")
  int batchSize();

  /** Local cache of downloaded model folders. */
  @WithDefault("${java.io.tmpdir}/tuneloop-evaluator/models")
  String modelCacheDirectory();

  /** Folder for temporary copies of test splits. */
  @WithDefault("${java.io.tmpdir}/tuneloop-evaluator/spool")
  String spoolDirectory();

  /** Evaluations waiting for the worker at most; beyond, model.trained events are dead-lettered. */
  @WithDefault("1000")
  int queueCapacity();

  /**
   * Regular expression of the model names this instance evaluates; events of other models are
   * acknowledged and ignored (e.g. to split models between evaluator deployments).
   */
  @WithDefault(".*")
  String modelFilter();

  /** The policy settings, each with its default. */
  interface DefaultPolicy {

    /** Least test accuracy; unset: no such gate. */
    Optional<Double> minAccuracy();

    /** Least test macro-F1; unset: no such gate. */
    @WithDefault("0.5")
    Optional<Double> minMacroF1();

    /** Largest test log-loss; unset: no such gate. */
    Optional<Double> maxLogLoss();

    /** Largest expected calibration error; unset: no such gate. */
    Optional<Double> maxCalibrationError();

    /** Metric that must improve on the champion: accuracy, macro_f1 or weighted_f1. */
    @WithDefault("macro_f1")
    String improvementMetric();

    /** Least improvement over the champion (negative: tolerated loss). */
    @WithDefault("0.0")
    double minImprovement();

    /** absolute or relative (share of the champion's value). */
    @WithDefault("absolute")
    String improvementMode();

    /** Largest drop of any class's F1 below the champion's. */
    @WithDefault("0.05")
    double maxClassDrop();

    /** Largest drop below the champion on earlier dataset versions' test splits. */
    @WithDefault("0.02")
    double regressionDelta();

    /** Earlier dataset versions checked for regressions (the most recent ones). */
    @WithDefault("3")
    int regressionVersions();

    /** Significance level of the paired tests. */
    @WithDefault("0.05")
    double significanceLevel();

    /** true: significantly better is required; false: not significantly worse. */
    @WithDefault("false")
    boolean requireSignificantImprovement();

    /** Least number of test examples for a verdict. */
    @WithDefault("30")
    int minSampleSize();

    /** Paired bootstrap resamples. */
    @WithDefault("1000")
    int bootstrapSamples();

    /** Paired bootstrap seed. */
    @WithDefault("42")
    long bootstrapSeed();

    /** pass, thresholds or fail: what to do with a model's first candidate. */
    @WithDefault("thresholds")
    String noChampion();
  }

  /** One model's overrides; unset settings come from the default policy. */
  interface PolicyOverride {
    /** See {@link DefaultPolicy#minAccuracy()}. */
    Optional<Double> minAccuracy();

    /** See {@link DefaultPolicy#minMacroF1()}. */
    Optional<Double> minMacroF1();

    /** See {@link DefaultPolicy#maxLogLoss()}. */
    Optional<Double> maxLogLoss();

    /** See {@link DefaultPolicy#maxCalibrationError()}. */
    Optional<Double> maxCalibrationError();

    /** See {@link DefaultPolicy#improvementMetric()}. */
    Optional<String> improvementMetric();

    /** See {@link DefaultPolicy#minImprovement()}. */
    Optional<Double> minImprovement();

    /** See {@link DefaultPolicy#improvementMode()}. */
    Optional<String> improvementMode();

    /** See {@link DefaultPolicy#maxClassDrop()}. */
    Optional<Double> maxClassDrop();

    /** See {@link DefaultPolicy#regressionDelta()}. */
    Optional<Double> regressionDelta();

    /** See {@link DefaultPolicy#regressionVersions()}. */
    Optional<Integer> regressionVersions();

    /** See {@link DefaultPolicy#significanceLevel()}. */
    Optional<Double> significanceLevel();

    /** See {@link DefaultPolicy#requireSignificantImprovement()}. */
    Optional<Boolean> requireSignificantImprovement();

    /** See {@link DefaultPolicy#minSampleSize()}. */
    Optional<Integer> minSampleSize();

    /** See {@link DefaultPolicy#bootstrapSamples()}. */
    Optional<Integer> bootstrapSamples();

    /** See {@link DefaultPolicy#bootstrapSeed()}. */
    Optional<Long> bootstrapSeed();

    /** See {@link DefaultPolicy#noChampion()}. */
    Optional<String> noChampion();
  }

  /**
   * The policy of {@code model}: the default policy with the model's overrides.
   *
   * @throws IllegalArgumentException if a setting is invalid (the message names it)
   */
  default GatePolicy policyFor(String model) {
    DefaultPolicy d = policy();
    PolicyOverride o = policies().get(model);
    if (o == null) {
      return new GatePolicy(
          d.minAccuracy().orElse(null),
          d.minMacroF1().orElse(null),
          d.maxLogLoss().orElse(null),
          d.maxCalibrationError().orElse(null),
          d.improvementMetric(),
          d.minImprovement(),
          improvementMode(d.improvementMode()),
          d.maxClassDrop(),
          d.regressionDelta(),
          d.regressionVersions(),
          d.significanceLevel(),
          d.requireSignificantImprovement(),
          d.minSampleSize(),
          d.bootstrapSamples(),
          d.bootstrapSeed(),
          noChampion(d.noChampion()));
    }
    return new GatePolicy(
        o.minAccuracy().or(d::minAccuracy).orElse(null),
        o.minMacroF1().or(d::minMacroF1).orElse(null),
        o.maxLogLoss().or(d::maxLogLoss).orElse(null),
        o.maxCalibrationError().or(d::maxCalibrationError).orElse(null),
        o.improvementMetric().orElse(d.improvementMetric()),
        o.minImprovement().orElse(d.minImprovement()),
        improvementMode(o.improvementMode().orElse(d.improvementMode())),
        o.maxClassDrop().orElse(d.maxClassDrop()),
        o.regressionDelta().orElse(d.regressionDelta()),
        o.regressionVersions().orElse(d.regressionVersions()),
        o.significanceLevel().orElse(d.significanceLevel()),
        o.requireSignificantImprovement().orElse(d.requireSignificantImprovement()),
        o.minSampleSize().orElse(d.minSampleSize()),
        o.bootstrapSamples().orElse(d.bootstrapSamples()),
        o.bootstrapSeed().orElse(d.bootstrapSeed()),
        noChampion(o.noChampion().orElse(d.noChampion())));
  }

  private static GatePolicy.ImprovementMode improvementMode(String value) {
    return GatePolicy.ImprovementMode.valueOf(
        enumName("improvement-mode", value, "absolute, relative"));
  }

  private static GatePolicy.NoChampionAction noChampion(String value) {
    return GatePolicy.NoChampionAction.valueOf(
        enumName("no-champion", value, "pass, thresholds, fail"));
  }

  private static String enumName(String setting, String value, String allowed) {
    String name = value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    if (!allowed.toUpperCase(java.util.Locale.ROOT).contains(name) || name.isEmpty()) {
      throw new IllegalArgumentException(setting + " must be one of " + allowed + ", was " + value);
    }
    return name;
  }
}
