package dev.tuneloop.ml.inference;

import dev.tuneloop.ml.onnx.Quantization;
import java.util.Objects;

/**
 * ONNX Runtime session settings of an {@link InferenceEngine#ONNXRUNTIME} classifier.
 *
 * @param intraOpThreads threads of one forward pass; 0 means one per available processor
 * @param allowSpinning whether idle intra-op threads spin-wait for work (lower latency for
 *     back-to-back calls, but burns CPU that other threads on a shared machine could use)
 * @param quantization how the in-memory ONNX export stores the encoder's Linear layers ({@link
 *     Quantization#INT8}: int8 dynamic quantization, faster, answers differ slightly from float32)
 */
public record OrtOptions(int intraOpThreads, boolean allowSpinning, Quantization quantization) {

  /** Checks the values. */
  public OrtOptions {
    Objects.requireNonNull(quantization, "quantization");
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, was " + intraOpThreads);
    }
  }

  /** Float32 model ({@link Quantization#NONE}). */
  public OrtOptions(int intraOpThreads, boolean allowSpinning) {
    this(intraOpThreads, allowSpinning, Quantization.NONE);
  }

  /** One thread per available processor, no spinning, float32. */
  public static OrtOptions defaults() {
    return new OrtOptions(0, false, Quantization.NONE);
  }

  /** These options with another quantization. */
  public OrtOptions withQuantization(Quantization value) {
    return new OrtOptions(intraOpThreads, allowSpinning, value);
  }

  /** The intra-op thread count to use: the configured one or the available processors. */
  public int effectiveIntraOpThreads() {
    return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
  }
}
