package dev.tuneloop.curation.domain;

/**
 * Near-duplicate detection settings.
 *
 * @param shingleSize characters per shingle (k-gram) of the normalized text
 * @param permutations MinHash permutations (signature length)
 * @param bands LSH bands; {@code permutations} must be a multiple of it (rows = permutations /
 *     bands)
 * @param threshold Jaccard similarity at or above which two texts are near duplicates
 * @param seed seed of the hash functions (changing it invalidates a stored index)
 */
public record MinHashSettings(
    int shingleSize, int permutations, int bands, double threshold, long seed) {

  /** 5-character shingles, 120 permutations in 20 bands of 6 rows, Jaccard 0.8. */
  public static final MinHashSettings DEFAULT = new MinHashSettings(5, 120, 20, 0.8, 42L);

  /** Checks the settings. */
  public MinHashSettings {
    if (shingleSize < 1 || permutations < 1 || bands < 1 || permutations % bands != 0) {
      throw new IllegalArgumentException(
          "need shingle size >= 1 and permutations a positive multiple of bands, got shingle size "
              + shingleSize
              + ", permutations "
              + permutations
              + ", bands "
              + bands);
    }
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1], was " + threshold);
    }
  }

  /** Rows per band. */
  public int rows() {
    return permutations / bands;
  }
}
