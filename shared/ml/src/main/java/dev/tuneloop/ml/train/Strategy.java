package dev.tuneloop.ml.train;

import java.util.Locale;

/** Which parameters fine-tuning updates. */
public enum Strategy {
  /** Every encoder parameter and the head. */
  FULL,
  /** Only the head; the encoder is frozen and its text vectors are computed once. */
  HEAD,
  /** Low-rank adapters on the targeted Linear layers and the head; the base is frozen. */
  LORA;

  /** Parses {@code full}, {@code head} or {@code lora} (any case). */
  public static Strategy parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "strategy must be full, head or lora, was '" + value + "'", e);
    }
  }

  /** The lower-case name used in events and files. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
