package dev.tuneloop.trainer.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every hyperparameter of a job, request overrides applied to the defaults (checked by {@link
 * HyperparameterPolicy}).
 *
 * @param epochs passes over the training split
 * @param maxSteps cap on optimizer steps (0: none)
 * @param batchSize examples per step
 * @param learningRate peak learning rate
 * @param weightDecay AdamW weight decay
 * @param warmupRatio share of steps warming up
 * @param schedule {@code linear} or {@code cosine}
 * @param maxGradNorm global-norm clipping threshold (0: off)
 * @param maxSequenceLength tokens per example
 * @param earlyStoppingPatience evaluations without improvement before stopping (0: off)
 * @param seed random seed
 * @param rehearsalFraction share of earlier versions' training data mixed into a warm start
 * @param loraRank LoRA r
 * @param loraAlpha LoRA alpha
 * @param loraDropout LoRA dropout
 * @param loraTargetModules LoRA target modules
 */
public record ResolvedHyperparameters(
    int epochs,
    long maxSteps,
    int batchSize,
    double learningRate,
    double weightDecay,
    double warmupRatio,
    String schedule,
    double maxGradNorm,
    int maxSequenceLength,
    int earlyStoppingPatience,
    long seed,
    double rehearsalFraction,
    int loraRank,
    double loraAlpha,
    double loraDropout,
    List<String> loraTargetModules) {

  /** Copies the list. */
  public ResolvedHyperparameters {
    loraTargetModules = List.copyOf(loraTargetModules);
  }

  /** Snake-case names and values, as MLflow params and in {@code model_card.json}. */
  public Map<String, Object> asMap(boolean lora) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("epochs", epochs);
    out.put("max_steps", maxSteps);
    out.put("batch_size", batchSize);
    out.put("learning_rate", learningRate);
    out.put("weight_decay", weightDecay);
    out.put("warmup_ratio", warmupRatio);
    out.put("schedule", schedule);
    out.put("max_grad_norm", maxGradNorm);
    out.put("max_sequence_length", maxSequenceLength);
    out.put("early_stopping_patience", earlyStoppingPatience);
    out.put("seed", seed);
    out.put("rehearsal_fraction", rehearsalFraction);
    if (lora) {
      out.put("lora_rank", loraRank);
      out.put("lora_alpha", loraAlpha);
      out.put("lora_dropout", loraDropout);
      out.put("lora_target_modules", String.join(",", loraTargetModules));
    }
    return out;
  }
}
