package dev.tuneloop.ml.inference;

import java.util.Locale;

/** What runs a {@link TextClassifier}'s forward passes. */
public enum InferenceEngine {
  /** DJL on PyTorch: the training engine; runs on CPU or GPU. */
  DJL,
  /**
   * ONNX Runtime (CPU): the model is loaded with DJL (LoRA merged), exported to ONNX in memory and
   * run by an ONNX Runtime session; DJL's copy of the weights is freed. About three times faster
   * than DJL on CPU for MiniLM-sized encoders.
   */
  ONNXRUNTIME;

  /**
   * Parses {@code djl} or {@code onnxruntime} (any case; {@code onnx-runtime} and {@code ort} are
   * accepted too).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static InferenceEngine parse(String value) {
    String normalized =
        value == null
            ? ""
            : value.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    return switch (normalized) {
      case "djl", "pytorch" -> DJL;
      case "onnxruntime", "ort" -> ONNXRUNTIME;
      default ->
          throw new IllegalArgumentException(
              "inference engine must be 'onnxruntime' or 'djl', was '" + value + "'");
    };
  }

  /** The lower-case name used in configuration. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
