package dev.tuneloop.trainer.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Computes {@code reference_profile.json}: training-time statistics that drift monitoring compares
 * live traffic against (label and predicted-label distributions, text length, token count and
 * confidence histograms, the mean embedding and random projections of the embeddings).
 *
 * <p>A text's projection {@code i} is {@code dot(embedding, projections[i])}; serving computes the
 * same numbers for live texts from the {@code projections} stored here.
 *
 * @param projections number of random projections {@code k}
 * @param bins histogram bins
 * @param seed seed of the projection vectors
 */
public record ReferenceProfiler(int projections, int bins, long seed) {

  /** Raw values kept per one-dimensional histogram. */
  public static final int VALUE_SAMPLE = 1000;

  /** Projected rows kept. */
  public static final int PROJECTED_SAMPLE = 500;

  /** Checks the settings. */
  public ReferenceProfiler {
    if (projections < 1 || bins < 1) {
      throw new IllegalArgumentException("projections and bins must be >= 1");
    }
  }

  /**
   * One profiled text.
   *
   * @param text the text
   * @param trueLabel its label in the dataset
   * @param predictedLabel what the model predicts
   * @param confidence the predicted label's probability
   * @param tokenCount tokens the model saw
   * @param embedding the pooled vector the head classified
   */
  public record Observation(
      String text,
      String trueLabel,
      String predictedLabel,
      double confidence,
      int tokenCount,
      float[] embedding) {}

  /** The profile of {@code observations} (non-empty, all embeddings of one dimension). */
  public Map<String, Object> profile(List<String> labels, List<Observation> observations) {
    if (observations.isEmpty()) {
      throw new IllegalArgumentException("cannot profile an empty sample");
    }
    int n = observations.size();
    int d = observations.get(0).embedding().length;
    double[] lengths = new double[n];
    double[] tokens = new double[n];
    double[] confidence = new double[n];
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      Observation o = observations.get(i);
      if (o.embedding().length != d) {
        throw new IllegalArgumentException("embeddings differ in dimension");
      }
      lengths[i] = o.text().length();
      tokens[i] = o.tokenCount();
      confidence[i] = o.confidence();
      for (int j = 0; j < d; j++) {
        mean[j] += o.embedding()[j] / (double) n;
      }
    }
    double[][] directions = projectionVectors(d);
    double[][] projected = new double[projections][n];
    for (int i = 0; i < n; i++) {
      float[] e = observations.get(i).embedding();
      for (int p = 0; p < projections; p++) {
        double dot = 0;
        for (int j = 0; j < d; j++) {
          dot += e[j] * directions[p][j];
        }
        projected[p][i] = dot;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("schema_version", 1);
    out.put("sample_count", n);
    out.put("labels", labels);
    out.put("label_distribution", shares(labels, observations, true));
    out.put("predicted_label_distribution", shares(labels, observations, false));
    out.put("text_length", Histogram.of(lengths, bins).toJson(lengths, VALUE_SAMPLE));
    out.put("token_count", Histogram.of(tokens, bins).toJson(tokens, VALUE_SAMPLE));
    double minConfidence = 1.0 / Math.max(2, labels.size());
    out.put(
        "confidence",
        Histogram.of(confidence, bins, minConfidence, 1.0).toJson(confidence, VALUE_SAMPLE));
    Map<String, Object> embedding = new LinkedHashMap<>();
    embedding.put("dimension", d);
    embedding.put("mean", mean);
    embedding.put("projection_seed", seed);
    embedding.put("projections", directions);
    List<double[]> edges = new ArrayList<>();
    List<long[]> counts = new ArrayList<>();
    for (int p = 0; p < projections; p++) {
      Histogram h = Histogram.of(projected[p], bins);
      edges.add(h.binEdges());
      counts.add(h.counts());
    }
    Map<String, Object> projectedHistograms = new LinkedHashMap<>();
    projectedHistograms.put("bin_edges", edges);
    projectedHistograms.put("counts", counts);
    embedding.put("projected", projectedHistograms);
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < n && i < PROJECTED_SAMPLE; i++) {
      double[] row = new double[projections];
      for (int p = 0; p < projections; p++) {
        row[p] = projected[p][i];
      }
      rows.add(row);
    }
    embedding.put("projected_sample", rows);
    out.put("embedding", embedding);
    return out;
  }

  /** {@code projections} unit vectors of dimension {@code d}, Gaussian directions from the seed. */
  public double[][] projectionVectors(int d) {
    Random random = new Random(seed);
    double[][] out = new double[projections][d];
    for (int p = 0; p < projections; p++) {
      double norm = 0;
      for (int j = 0; j < d; j++) {
        out[p][j] = random.nextGaussian();
        norm += out[p][j] * out[p][j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < d; j++) {
        out[p][j] /= norm;
      }
    }
    return out;
  }

  private static Map<String, Double> shares(
      List<String> labels, List<Observation> observations, boolean truth) {
    Map<String, Double> out = new LinkedHashMap<>();
    labels.forEach(l -> out.put(l, 0.0));
    for (Observation o : observations) {
      out.merge(truth ? o.trueLabel() : o.predictedLabel(), 1.0 / observations.size(), Double::sum);
    }
    return out;
  }
}
