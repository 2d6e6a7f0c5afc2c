package dev.tuneloop.trainer.domain;

import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code validating} step for hyperparameters: applies a request's overrides to the defaults
 * and checks every value against its range. All violations are reported at once.
 */
public final class HyperparameterPolicy {

  /** Module names LoRA adapters can target in a BERT encoder. */
  public static final Set<String> LORA_TARGETS =
      Set.of(
          "query",
          "key",
          "value",
          "dense",
          "attention.output.dense",
          "intermediate.dense",
          "output.dense");

  private final HyperparameterDefaults defaults;

  /** A policy over the given defaults. */
  public HyperparameterPolicy(HyperparameterDefaults defaults) {
    this.defaults = defaults;
  }

  /**
   * The job's hyperparameters.
   *
   * @throws JobFailedException {@code unsupported_strategy} for qlora, {@code
   *     invalid_hyperparameter} naming every value out of range
   */
  public ResolvedHyperparameters resolve(
      TrainingStrategy strategy, TrainingRequested.Hyperparameters request) {
    if (strategy == TrainingStrategy.QLORA) {
      throw new JobFailedException(
          FailureCodes.UNSUPPORTED_STRATEGY,
          "strategy qlora is not supported by this trainer yet; use lora, full or head");
    }
    ResolvedHyperparameters d = defaults.forStrategy(strategy);
    TrainingRequested.Hyperparameters r =
        request == null ? TrainingRequested.Hyperparameters.defaults() : request;
    TrainingRequested.Lora lora = r.lora();
    ResolvedHyperparameters h =
        new ResolvedHyperparameters(
            or(r.epochs(), d.epochs()),
            or(r.maxSteps(), d.maxSteps()),
            or(r.batchSize(), d.batchSize()),
            or(r.learningRate(), d.learningRate()),
            or(r.weightDecay(), d.weightDecay()),
            or(r.warmupRatio(), d.warmupRatio()),
            r.schedule() == null ? d.schedule() : r.schedule().name().toLowerCase(Locale.ROOT),
            or(r.maxGradNorm(), d.maxGradNorm()),
            or(r.maxSequenceLength(), d.maxSequenceLength()),
            or(r.earlyStoppingPatience(), d.earlyStoppingPatience()),
            or(r.seed(), d.seed()),
            or(r.rehearsalFraction(), d.rehearsalFraction()),
            lora == null ? d.loraRank() : or(lora.rank(), d.loraRank()),
            lora == null ? d.loraAlpha() : or(lora.alpha(), d.loraAlpha()),
            lora == null ? d.loraDropout() : or(lora.dropout(), d.loraDropout()),
            lora == null || lora.targetModules() == null
                ? d.loraTargetModules()
                : lora.targetModules());
    List<String> problems = new ArrayList<>();
    check(problems, h.epochs() >= 1 && h.epochs() <= 100, "epochs must be in [1, 100]", h.epochs());
    check(
        problems,
        h.maxSteps() >= 0 && h.maxSteps() <= 10_000_000,
        "maxSteps must be in [0, 10000000] (0: no cap)",
        h.maxSteps());
    check(
        problems,
        h.batchSize() >= 1 && h.batchSize() <= 1024,
        "batchSize must be in [1, 1024]",
        h.batchSize());
    check(
        problems,
        h.learningRate() > 0 && h.learningRate() < 1,
        "learningRate must be in (0, 1)",
        h.learningRate());
    check(
        problems,
        h.weightDecay() >= 0 && h.weightDecay() <= 1,
        "weightDecay must be in [0, 1]",
        h.weightDecay());
    check(
        problems,
        h.warmupRatio() >= 0 && h.warmupRatio() <= 0.5,
        "warmupRatio must be in [0, 0.5]",
        h.warmupRatio());
    check(
        problems,
        h.schedule().equals("linear") || h.schedule().equals("cosine"),
        "schedule must be linear or cosine",
        h.schedule());
    check(
        problems,
        h.maxGradNorm() >= 0 && h.maxGradNorm() <= 1000,
        "maxGradNorm must be in [0, 1000] (0: no clipping)",
        h.maxGradNorm());
    check(
        problems,
        h.maxSequenceLength() >= 8 && h.maxSequenceLength() <= 4096,
        "maxSequenceLength must be in [8, 4096] (and at most the model's positions)",
        h.maxSequenceLength());
    check(
        problems,
        h.earlyStoppingPatience() >= 0 && h.earlyStoppingPatience() <= 100,
        "earlyStoppingPatience must be in [0, 100] (0: off)",
        h.earlyStoppingPatience());
    check(
        problems,
        h.rehearsalFraction() >= 0 && h.rehearsalFraction() <= 1,
        "rehearsalFraction must be in [0, 1]",
        h.rehearsalFraction());
    if (strategy == TrainingStrategy.LORA) {
      check(
          problems,
          h.loraRank() >= 1 && h.loraRank() <= 256,
          "lora.rank must be in [1, 256]",
          h.loraRank());
      check(
          problems,
          h.loraAlpha() > 0 && h.loraAlpha() <= 1024,
          "lora.alpha must be in (0, 1024]",
          h.loraAlpha());
      check(
          problems,
          h.loraDropout() >= 0 && h.loraDropout() < 1,
          "lora.dropout must be in [0, 1)",
          h.loraDropout());
      check(
          problems,
          !h.loraTargetModules().isEmpty() && LORA_TARGETS.containsAll(h.loraTargetModules()),
          "lora.targetModules must be a non-empty subset of "
              + LORA_TARGETS.stream().sorted().toList(),
          h.loraTargetModules());
    }
    if (!problems.isEmpty()) {
      throw new JobFailedException(
          FailureCodes.INVALID_HYPERPARAMETER, String.join("; ", problems));
    }
    return h;
  }

  private static void check(List<String> problems, boolean ok, String rule, Object value) {
    if (!ok) {
      problems.add(rule + ", was " + value);
    }
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
