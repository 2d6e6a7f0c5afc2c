package dev.tuneloop.ml.onnx;

import java.util.Locale;

/**
 * How {@link OnnxExporter} stores the encoder's Linear layers.
 *
 * <ul>
 *   <li>{@link #NONE}: float32 {@code MatMul} + {@code Add} (the exact model the evaluator scores).
 *   <li>{@link #INT8}: dynamic int8 quantization. Each encoder Linear (attention query, key, value,
 *       attention output, intermediate, output) runs as an ONNX Runtime contrib op: {@code
 *       com.microsoft:QAttention} for query, key and value (packed into one {@code [in, 3 out]}
 *       weight) and {@code com.microsoft:DynamicQuantizeMatMul} for the others; each weight is
 *       stored as int8 {@code [in, out]}, quantized symmetrically per output channel ({@code scale
 *       = max|w| / 127}, {@code q = rint(w / scale)}, i.e. round half to even, clamped to [-127,
 *       127], zero point 0); the activations are quantized to uint8 per call by ONNX Runtime.
 *       Embeddings, LayerNorms, the classification head and the softmax stay float32. About 4x
 *       smaller Linear weights and int8 GEMMs (VNNI) instead of float32 ones; answers differ
 *       slightly from the float32 model.
 * </ul>
 */
public enum Quantization {
  /** Float32 weights everywhere. */
  NONE("none"),
  /** Int8 dynamic quantization of the encoder's Linear layers. */
  INT8("int8");

  private final String id;

  Quantization(String id) {
    this.id = id;
  }

  /** The configuration name: {@code none} or {@code int8}. */
  public String id() {
    return id;
  }

  /**
   * Parses a configuration value ({@code none} or {@code int8}, case and surrounding blanks
   * ignored).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Quantization parse(String value) {
    if (value != null) {
      String normalized = value.trim().toLowerCase(Locale.ROOT);
      for (Quantization q : values()) {
        if (q.id.equals(normalized)) {
          return q;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown quantization '" + value + "': expected 'none' or 'int8'");
  }
}
