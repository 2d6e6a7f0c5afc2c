package dev.tuneloop.evaluator.domain;

import dev.tuneloop.ml.metrics.ClassificationMetrics;
import java.util.List;
import java.util.Random;

/** Synthetic predictions and policies for the domain tests. */
final class Fixtures {

  static final List<String> LABELS = List.of("ham", "spam");

  private Fixtures() {}

  static int[] truth(int n) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = i % 2;
    }
    return t;
  }

  /** Predictions right with probability {@code accuracy} on each class, seeded. */
  static int[] predictions(int[] truth, double hamAccuracy, double spamAccuracy, long seed) {
    Random random = new Random(seed);
    int[] p = new int[truth.length];
    for (int i = 0; i < truth.length; i++) {
      double accuracy = truth[i] == 0 ? hamAccuracy : spamAccuracy;
      p[i] = random.nextDouble() < accuracy ? truth[i] : 1 - truth[i];
    }
    return p;
  }

  static ModelScore score(int[] truth, int[] predicted) {
    float[][] probabilities = new float[truth.length][2];
    for (int i = 0; i < truth.length; i++) {
      probabilities[i][predicted[i]] = 0.9f;
      probabilities[i][1 - predicted[i]] = 0.1f;
    }
    return new ModelScore(
        ClassificationMetrics.compute(LABELS, truth, probabilities),
        truth,
        predicted,
        Latency.of(32, new long[] {2_000_000, 3_000_000}, truth.length));
  }

  static GatePolicy policy(GatePolicy.NoChampionAction noChampion, boolean requireSignificance) {
    return new GatePolicy(
        null,
        0.6,
        null,
        null,
        "macro_f1",
        0.0,
        GatePolicy.ImprovementMode.ABSOLUTE,
        0.05,
        0.02,
        3,
        0.05,
        requireSignificance,
        30,
        500,
        42,
        noChampion);
  }
}
