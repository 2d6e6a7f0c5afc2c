package dev.tuneloop.ml.train;

import ai.djl.nn.Parameter;

/**
 * A parameter the optimizer updates.
 *
 * @param name its Hugging Face name (LoRA: {@code <module>.lora_A.weight})
 * @param parameter the DJL parameter
 * @param decay whether AdamW weight decay applies (not for biases and LayerNorm parameters)
 */
record TrainableParameter(String name, Parameter parameter, boolean decay) {

  /** Hugging Face's rule: no decay on biases and LayerNorm weights. */
  static boolean decays(String name) {
    return !(name.endsWith(".bias") || name.contains("LayerNorm.") || name.contains("layer_norm."));
  }
}
