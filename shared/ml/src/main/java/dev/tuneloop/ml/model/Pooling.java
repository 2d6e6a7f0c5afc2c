package dev.tuneloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/** How a sequence of token vectors becomes one text vector. */
public enum Pooling {
  /** Average of the real (non-padding) token vectors, as sentence-transformers models use. */
  MEAN,
  /** The vector of the first token ([CLS]). */
  CLS;

  /**
   * Pools the encoder output.
   *
   * @param hidden [batch, sequence, hidden]
   * @param attentionMask int64 [batch, sequence]
   * @return [batch, hidden]
   */
  public NDArray apply(NDArray hidden, NDArray attentionMask) {
    return switch (this) {
      case CLS -> hidden.get(new NDIndex(":, 0, :"));
      case MEAN -> {
        NDArray mask = attentionMask.toType(DataType.FLOAT32, false).expandDims(-1);
        NDArray summed = hidden.mul(mask).sum(new int[] {1});
        NDArray counts = mask.sum(new int[] {1}).clip(1e-9f, Float.MAX_VALUE);
        yield summed.divi(counts);
      }
    };
  }

  /** Parses {@code mean} or {@code cls} (any case). */
  public static Pooling parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("pooling must be 'mean' or 'cls', was '" + value + "'", e);
    }
  }

  /** The lower-case name used in files. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
