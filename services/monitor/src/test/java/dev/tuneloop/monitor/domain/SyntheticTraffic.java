package dev.tuneloop.monitor.domain;

import dev.tuneloop.events.Arm;
import dev.tuneloop.events.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Predictions of a spam/ham model from a known distribution, and the same with a shift (more spam,
 * lower confidence, longer texts, moved embeddings), for tests.
 */
public final class SyntheticTraffic {

  /** Embedding projections per prediction, by default. */
  public static final int K = 4;

  private final SplittableRandom random;
  private final int k;

  /** Traffic from {@code seed} with {@link #K} projections. */
  public SyntheticTraffic(long seed) {
    this(seed, K);
  }

  /** Traffic from {@code seed} with {@code k} projections. */
  public SyntheticTraffic(long seed, int k) {
    this.random = new SplittableRandom(seed);
    this.k = k;
  }

  /** One prediction; {@code shifted} draws from the drifted distribution. */
  public Prediction prediction(
      String model, String version, Arm arm, String requestId, Instant at, boolean shifted) {
    boolean spam = random.nextDouble() < (shifted ? 0.7 : 0.4);
    double confidence = shifted ? 0.5 + 0.4 * random.nextDouble() : 0.7 + 0.3 * random.nextDouble();
    int length = (int) Math.exp((shifted ? 6.6 : 6.0) + 0.5 * gaussian());
    List<Double> projections = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      projections.add((shifted ? 0.8 : 0) + gaussian());
    }
    return new Prediction(
        requestId,
        model,
        version,
        arm,
        false,
        null,
        spam ? "spam" : "ham",
        confidence,
        null,
        new Prediction.InputProfile(length, null, projections),
        5 + random.nextDouble() * 10,
        at);
  }

  /** The reference profile of {@code n} unshifted predictions. */
  public ReferenceProfile profile(int n) {
    List<String> labels = new ArrayList<>();
    double[] confidence = new double[n];
    double[] length = new double[n];
    double[][] projected = new double[n][];
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      Prediction p = prediction("m", "1", Arm.CHAMPION, "r" + i, at, false);
      labels.add(p.label());
      confidence[i] = p.confidence();
      length[i] = p.input().textLength();
      projected[i] =
          p.input().embeddingProjections().stream().mapToDouble(Double::doubleValue).toArray();
    }
    return Profiles.of(List.of("ham", "spam"), labels, confidence, length, projected);
  }

  private double gaussian() {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
