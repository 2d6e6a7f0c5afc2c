package dev.tuneloop.monitor.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds {@code reference_profile.json} contents the way the trainer does (shares, 10-bin
 * histograms over the observed range, samples), for tests and the benchmark.
 */
public final class Profiles {

  private Profiles() {}

  /**
   * A profile of the given training-time observations.
   *
   * @param labels the model's labels
   * @param predicted the predicted label per example
   * @param confidence confidence per example
   * @param textLength text length per example
   * @param projected projected embedding per example (k values), or null for none
   */
  public static ReferenceProfile of(
      List<String> labels,
      List<String> predicted,
      double[] confidence,
      double[] textLength,
      double[][] projected) {
    int n = predicted.size();
    Map<String, Double> shares = new LinkedHashMap<>();
    labels.forEach(l -> shares.put(l, 0.0));
    predicted.forEach(l -> shares.merge(l, 1.0 / n, Double::sum));
    ReferenceProfile.Embedding embedding = null;
    if (projected != null) {
      int k = projected[0].length;
      List<List<Double>> edges = new ArrayList<>();
      List<List<Double>> counts = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        double[] column = new double[n];
        for (int i = 0; i < n; i++) {
          column[i] = projected[i][j];
        }
        ReferenceProfile.Histogram h = histogram(column, 10, 1000);
        edges.add(h.binEdges());
        counts.add(h.counts());
      }
      List<List<Double>> projections = new ArrayList<>();
      SplittableRandom random = new SplittableRandom(42);
      for (int j = 0; j < k; j++) {
        List<Double> v = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
          v.add(random.nextDouble() - 0.5);
        }
        projections.add(v);
      }
      List<List<Double>> sample = new ArrayList<>();
      for (int i = 0; i < Math.min(500, n); i++) {
        sample.add(list(projected[(int) ((long) i * n / Math.min(500, n))]));
      }
      embedding =
          new ReferenceProfile.Embedding(
              8, null, 42, projections, new ReferenceProfile.Projected(edges, counts), sample);
    }
    return new ReferenceProfile(
        1,
        n,
        labels,
        shares,
        shares,
        histogram(textLength, 10, 1000),
        null,
        histogram(confidence, 10, 1000),
        embedding);
  }

  /** A 10-bin histogram over the range of {@code values} and an evenly spaced sample. */
  public static ReferenceProfile.Histogram histogram(double[] values, int bins, int sampleSize) {
    double min = Arrays.stream(values).min().orElse(0);
    double max = Arrays.stream(values).max().orElse(1);
    if (max <= min) {
      max = min + 1;
    }
    double[] edges = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      edges[i] = min + (max - min) * i / bins;
    }
    double[] counts =
        dev.tuneloop.monitor.domain.stats.Distributions.histogram(values, values.length, edges);
    int size = Math.min(sampleSize, values.length);
    double[] sample = new double[size];
    for (int i = 0; i < size; i++) {
      sample[i] = values[(int) ((long) i * values.length / size)];
    }
    return new ReferenceProfile.Histogram(list(edges), list(counts), list(sample));
  }

  static List<Double> list(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(v);
    }
    return out;
  }
}
