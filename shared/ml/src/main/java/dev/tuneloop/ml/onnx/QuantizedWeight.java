package dev.tuneloop.ml.onnx;

import dev.tuneloop.ml.weights.WeightTensor;

/**
 * A Linear weight quantized to int8 for {@code DynamicQuantizeMatMul}: symmetric, per output
 * channel ({@code scale[o] = max_i |w[o, i]| / 127}, or 1 for an all-zero row), {@code q = rint(w /
 * scale)} (round half to even) clamped to [-127, 127], zero point 0; stored transposed as {@code
 * [in, out]}, the layout of the op's {@code B} input.
 *
 * @param in input features (rows of {@code values})
 * @param out output features (columns of {@code values}, length of {@code scales})
 * @param values int8 {@code [in, out]}, row-major
 * @param scales per output channel
 */
record QuantizedWeight(int in, int out, byte[] values, float[] scales) {

  /** Quantizes a float32 Linear weight {@code [out, in]}. */
  static QuantizedWeight of(WeightTensor weight) {
    long[] shape = weight.shape();
    if (shape.length != 2) {
      throw new IllegalArgumentException(
          weight.name() + " is not a matrix: shape " + java.util.Arrays.toString(shape));
    }
    int out = Math.toIntExact(shape[0]);
    int in = Math.toIntExact(shape[1]);
    float[] w = weight.toFloatArray();
    float[] scales = new float[out];
    byte[] values = new byte[in * out];
    for (int o = 0; o < out; o++) {
      float max = 0;
      for (int i = 0; i < in; i++) {
        max = Math.max(max, Math.abs(w[o * in + i]));
      }
      float scale = max > 0 ? max / 127f : 1f;
      scales[o] = scale;
      for (int i = 0; i < in; i++) {
        double q = Math.rint(w[o * in + i] / scale);
        values[i * out + o] = (byte) Math.max(-127, Math.min(127, q));
      }
    }
    return new QuantizedWeight(in, out, values, scales);
  }

  /** The float32 value a quantized element stands for. */
  float dequantized(int i, int o) {
    return values[i * out + o] * scales[o];
  }
}
