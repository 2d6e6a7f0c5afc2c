package dev.tuneloop.ml.lora;

import java.util.List;

/**
 * LoRA hyper-parameters, with the meaning Hugging Face PEFT gives them.
 *
 * @param r rank of the update
 * @param alpha scaling numerator: the update is multiplied by {@code alpha / r} (or {@code alpha /
 *     sqrt(r)} with {@code useRslora})
 * @param dropout dropout on the adapter's input while training
 * @param targetModules module names to adapt; a module matches when its path equals a name or ends
 *     with {@code "." + name} (PEFT's rule), e.g. {@code query}, {@code value}, {@code dense}
 * @param useRslora rank-stabilised scaling
 */
public record LoraConfig(
    int r, double alpha, double dropout, List<String> targetModules, boolean useRslora) {

  /** PEFT's usual targets for BERT. */
  public static final List<String> DEFAULT_TARGETS = List.of("query", "value");

  /** Validates the values. */
  public LoraConfig {
    if (r < 1) {
      throw new IllegalArgumentException("LoRA r must be at least 1, was " + r);
    }
    if (alpha <= 0) {
      throw new IllegalArgumentException("LoRA alpha must be positive, was " + alpha);
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("LoRA dropout must be in [0, 1), was " + dropout);
    }
    targetModules =
        targetModules == null || targetModules.isEmpty()
            ? DEFAULT_TARGETS
            : List.copyOf(targetModules);
  }

  /** r = 8, alpha = 16, dropout 0.1 on query and value: a common starting point. */
  public static LoraConfig defaults() {
    return new LoraConfig(8, 16, 0.1, DEFAULT_TARGETS, false);
  }

  /** The factor applied to {@code B A x}. */
  public float scale() {
    return (float) (useRslora ? alpha / Math.sqrt(r) : alpha / r);
  }

  /** Whether a module path is targeted. */
  public boolean targets(String modulePath) {
    for (String target : targetModules) {
      if (modulePath.equals(target) || modulePath.endsWith("." + target)) {
        return true;
      }
    }
    return false;
  }
}
