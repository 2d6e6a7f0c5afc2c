package dev.tuneloop.trainer.domain;

import dev.tuneloop.events.TrainingStrategy;
import java.util.List;
import java.util.Map;

/**
 * The values a request's absent hyperparameters take, with per-strategy overrides of learning rate,
 * epochs and batch size.
 *
 * @param base the defaults of every strategy
 * @param perStrategy overrides by strategy
 */
public record HyperparameterDefaults(
    ResolvedHyperparameters base, Map<TrainingStrategy, StrategyOverride> perStrategy) {

  /** Copies the map. */
  public HyperparameterDefaults {
    perStrategy = Map.copyOf(perStrategy);
  }

  /**
   * What one strategy changes (null: keep the base value).
   *
   * @param learningRate peak learning rate
   * @param epochs passes over the data
   * @param batchSize examples per step
   */
  public record StrategyOverride(Double learningRate, Integer epochs, Integer batchSize) {}

  /** The defaults of {@code strategy}. */
  public ResolvedHyperparameters forStrategy(TrainingStrategy strategy) {
    ResolvedHyperparameters b = base;
    StrategyOverride o = perStrategy.get(strategy);
    if (o == null) {
      return b;
    }
    return new ResolvedHyperparameters(
        o.epochs() != null ? o.epochs() : b.epochs(),
        b.maxSteps(),
        o.batchSize() != null ? o.batchSize() : b.batchSize(),
        o.learningRate() != null ? o.learningRate() : b.learningRate(),
        b.weightDecay(),
        b.warmupRatio(),
        b.schedule(),
        b.maxGradNorm(),
        b.maxSequenceLength(),
        b.earlyStoppingPatience(),
        b.seed(),
        b.rehearsalFraction(),
        b.loraRank(),
        b.loraAlpha(),
        b.loraDropout(),
        b.loraTargetModules());
  }

  /** Built-in defaults (the trainer's configuration normally replaces them). */
  public static HyperparameterDefaults builtIn() {
    return new HyperparameterDefaults(
        new ResolvedHyperparameters(
            3,
            0,
            16,
            5e-4,
            0.01,
            0.1,
            "linear",
            1.0,
            128,
            0,
            42,
            0.3,
            8,
            16,
            0.1,
            List.of("query", "value")),
        Map.of(
            TrainingStrategy.FULL, new StrategyOverride(5e-5, null, null),
            TrainingStrategy.HEAD, new StrategyOverride(1e-3, null, null)));
  }
}
