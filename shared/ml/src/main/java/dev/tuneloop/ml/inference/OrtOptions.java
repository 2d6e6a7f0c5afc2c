package dev.tuneloop.ml.inference;

/**
 * ONNX Runtime session settings of an {@link InferenceEngine#ONNXRUNTIME} classifier.
 *
 * @param intraOpThreads threads of one forward pass; 0 means one per available processor
 * @param allowSpinning whether idle intra-op threads spin-wait for work (lower latency for
 *     back-to-back calls, but burns CPU that other threads on a shared machine could use)
 */
public record OrtOptions(int intraOpThreads, boolean allowSpinning) {

  /** Checks the values. */
  public OrtOptions {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, was " + intraOpThreads);
    }
  }

  /** One thread per available processor, no spinning. */
  public static OrtOptions defaults() {
    return new OrtOptions(0, false);
  }

  /** The intra-op thread count to use: the configured one or the available processors. */
  public int effectiveIntraOpThreads() {
    return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
  }
}
