package dev.tuneloop.trainer.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An equal-width histogram: {@code bins} counts over {@code bins + 1} edges; values on or beyond
 * the last edge fall in the last bin, values below the first in the first.
 *
 * @param binEdges ascending edges
 * @param counts values per bin
 */
public record Histogram(double[] binEdges, long[] counts) {

  /**
   * A histogram of {@code values} between {@code min} and {@code max} (widened to a unit range if
   * they are equal).
   */
  public static Histogram of(double[] values, int bins, double min, double max) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1, was " + bins);
    }
    if (!(max > min)) {
      min = min - 0.5;
      max = min + 1;
    }
    double[] edges = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      edges[i] = min + (max - min) * i / bins;
    }
    long[] counts = new long[bins];
    for (double v : values) {
      int bin = (int) Math.floor((v - min) / (max - min) * bins);
      counts[Math.max(0, Math.min(bins - 1, bin))]++;
    }
    return new Histogram(edges, counts);
  }

  /** A histogram over the values' own range. */
  public static Histogram of(double[] values, int bins) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (values.length == 0) {
      min = 0;
      max = 1;
    }
    return of(values, bins, min, max);
  }

  /**
   * The JSON shape of the reference profile: bin_edges, counts and up to {@code sampleSize} raw
   * values.
   */
  public Map<String, Object> toJson(double[] values, int sampleSize) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bin_edges", binEdges);
    out.put("counts", counts);
    List<Double> sample = new ArrayList<>();
    for (int i = 0; i < values.length && i < sampleSize; i++) {
      sample.add(values[i]);
    }
    out.put("sample", sample);
    return out;
  }
}
