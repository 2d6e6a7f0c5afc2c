package dev.tuneloop.events;

/**
 * How a base model is fine-tuned. JSON: {@code full}, {@code head}, {@code lora}, {@code qlora}.
 */
public enum TrainingStrategy {
  /** Every weight is trained. */
  FULL,
  /** The encoder is frozen; only the classification head is trained (feature extraction). */
  HEAD,
  /** Low-rank adapters on the frozen encoder, merged for serving. */
  LORA,
  /** LoRA on a quantized frozen encoder. */
  QLORA
}
