package dev.tuneloop.curation.domain;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * MinHash over character shingles of normalized text, LSH band keys, and exact Jaccard similarity.
 *
 * <p>Each shingle is hashed once to 64 bits; permutation {@code i} is the multiply-add {@code a_i *
 * h + b_i} (odd {@code a_i}) whose high 32 bits are kept. That is one multiply per shingle and
 * permutation, which the JIT vectorises, instead of a full hash per pair. Thread-safe.
 */
public final class MinHasher {

  private final MinHashSettings settings;
  private final long[] a;
  private final long[] b;

  /** Hash functions drawn from {@code settings.seed()}. */
  public MinHasher(MinHashSettings settings) {
    this.settings = settings;
    SplittableRandom random = new SplittableRandom(settings.seed());
    a = new long[settings.permutations()];
    b = new long[settings.permutations()];
    for (int i = 0; i < a.length; i++) {
      a[i] = random.nextLong() | 1L;
      b[i] = random.nextLong();
    }
  }

  /** The settings. */
  public MinHashSettings settings() {
    return settings;
  }

  /**
   * The sorted, distinct 64-bit hashes of the text's character shingles; a text shorter than the
   * shingle size is one shingle.
   */
  public long[] shingles(String normalized) {
    int k = settings.shingleSize();
    int count = Math.max(1, normalized.length() - k + 1);
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      long h = 0xcbf29ce484222325L;
      int end = Math.min(normalized.length(), i + k);
      for (int j = i; j < end; j++) {
        h = (h ^ normalized.charAt(j)) * 0x100000001b3L;
      }
      out[i] = mix(h);
    }
    Arrays.sort(out);
    int n = 0;
    for (int i = 0; i < out.length; i++) {
      if (i == 0 || out[i] != out[i - 1]) {
        out[n++] = out[i];
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** The MinHash signature of a shingle set. */
  public int[] signature(long[] shingles) {
    int p = a.length;
    int[] min = new int[p];
    java.util.Arrays.fill(min, Integer.MAX_VALUE);
    for (long h : shingles) {
      for (int i = 0; i < p; i++) {
        // The high 32 bits of the multiply-add; any fixed order of the values serves MinHash, so
        // they are compared as signed ints. Math.min keeps the loop branch-free and vectorisable.
        min[i] = Math.min(min[i], (int) ((a[i] * h + b[i]) >>> 32));
      }
    }
    return min;
  }

  /** One key per band, each combining the band's rows and the band number. */
  public long[] bandKeys(int[] signature) {
    int rows = settings.rows();
    long[] keys = new long[settings.bands()];
    for (int band = 0; band < keys.length; band++) {
      long h = 0x9e3779b97f4a7c15L * (band + 1);
      for (int r = 0; r < rows; r++) {
        h = mix(h ^ (signature[band * rows + r] & 0xffffffffL));
      }
      keys[band] = h;
    }
    return keys;
  }

  /** Exact Jaccard similarity of two sorted, distinct shingle sets. */
  public static double jaccard(long[] x, long[] y) {
    int i = 0;
    int j = 0;
    int common = 0;
    while (i < x.length && j < y.length) {
      if (x[i] == y[j]) {
        common++;
        i++;
        j++;
      } else if (x[i] < y[j]) {
        i++;
      } else {
        j++;
      }
    }
    int union = x.length + y.length - common;
    return union == 0 ? 1.0 : (double) common / union;
  }

  /** The MurmurHash3 64-bit finalizer: spreads every input bit over the output. */
  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
