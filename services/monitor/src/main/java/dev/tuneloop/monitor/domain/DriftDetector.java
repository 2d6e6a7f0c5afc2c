package dev.tuneloop.monitor.domain;

import dev.tuneloop.events.DriftDetected.DriftTest;
import dev.tuneloop.events.DriftDetected.Severity;
import dev.tuneloop.monitor.domain.DriftSettings.Thresholds;
import dev.tuneloop.monitor.domain.stats.ChiSquare;
import dev.tuneloop.monitor.domain.stats.Distributions;
import dev.tuneloop.monitor.domain.stats.JensenShannon;
import dev.tuneloop.monitor.domain.stats.KolmogorovSmirnov;
import dev.tuneloop.monitor.domain.stats.Mmd;
import dev.tuneloop.monitor.domain.stats.Psi;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs the drift tests of one window against one model version's reference profile:
 *
 * <ul>
 *   <li>{@code psi} and {@code jensen_shannon} on {@code predicted_label} (p-value: chi-square
 *       approximation of PSI);
 *   <li>{@code ks} on {@code confidence}, {@code text_length} and {@code token_count} against the
 *       profile's samples;
 *   <li>{@code psi} on {@code embedding_projections}: the largest PSI over the k projections, with
 *       a Bonferroni-corrected p-value;
 *   <li>{@code mmd} on {@code embedding}: RBF-kernel MMD with a permutation test on the
 *       k-dimensional projected embeddings.
 * </ul>
 *
 * <p>Built once per profile (it prepares sorted samples and arrays) and used for every window.
 */
public final class DriftDetector {

  private final ReferenceProfile profile;
  private final DriftSettings settings;
  private final List<String> labels;
  private final double[] referenceLabelShares;
  private final double[] sortedConfidence;
  private final double[] sortedTextLength;
  private final double[] sortedTokenCount;
  private final double[][] projectionEdges;
  private final double[][] projectionCounts;
  private final long[] projectionTotals;
  private final double[][] mmdReference;
  private final Map<Long, Double> chiSquareQuantiles = new java.util.HashMap<>();

  /**
   * The outcome for one window.
   *
   * @param tests every test that ran
   * @param scores every statistic by {@code <test>.<feature>} (for health events and gauges)
   * @param severity the highest severity of the drifted tests; absent when none drifted
   */
  public record Detection(
      List<DriftTest> tests, Map<String, Double> scores, @Nullable Severity severity) {

    /** No tests ran (e.g. a window below the minimum size). */
    public static final Detection NONE = new Detection(List.of(), Map.of(), null);

    /** Whether any test drifted. */
    public boolean drifted() {
      return severity != null;
    }
  }

  /** Prepares the tests of {@code profile}. */
  public DriftDetector(ReferenceProfile profile, DriftSettings settings) {
    this.profile = profile;
    this.settings = settings;
    this.labels = List.copyOf(profile.labels());
    this.referenceLabelShares = new double[labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      referenceLabelShares[i] =
          profile.predictedLabelDistribution().getOrDefault(labels.get(i), 0.0);
    }
    this.sortedConfidence = sorted(profile.confidence().sampleArray());
    this.sortedTextLength = sorted(profile.textLength().sampleArray());
    this.sortedTokenCount =
        profile.tokenCount() == null ? new double[0] : sorted(profile.tokenCount().sampleArray());
    ReferenceProfile.Embedding embedding = profile.embedding();
    if (embedding == null) {
      projectionEdges = new double[0][];
      projectionCounts = new double[0][];
      projectionTotals = new long[0];
      mmdReference = new double[0][];
    } else {
      int k = embedding.k();
      projectionEdges = new double[k][];
      projectionCounts = new double[k][];
      projectionTotals = new long[k];
      for (int i = 0; i < k; i++) {
        projectionEdges[i] = ReferenceProfile.toArray(embedding.projected().binEdges().get(i));
        projectionCounts[i] = ReferenceProfile.toArray(embedding.projected().counts().get(i));
        if (projectionEdges[i].length != projectionCounts[i].length + 1) {
          throw new ReferenceProfile.InvalidProfileException(
              "embedding.projected projection " + i + " needs bin_edges = counts + 1");
        }
        projectionTotals[i] = Math.round(Arrays.stream(projectionCounts[i]).sum());
      }
      List<List<Double>> sample = embedding.projectedSample();
      int size = Math.min(settings.mmdSampleSize(), sample.size());
      mmdReference = new double[size][];
      for (int i = 0; i < size; i++) {
        // evenly spaced points of the reference sample
        mmdReference[i] =
            ReferenceProfile.toArray(sample.get((int) ((long) i * sample.size() / size)));
      }
    }
  }

  /** The profile this detector tests against. */
  public ReferenceProfile profile() {
    return profile;
  }

  /** Number of embedding projections k the profile has (0 without embeddings). */
  public int projectionCount() {
    return projectionEdges.length;
  }

  /** Runs every applicable test on {@code window}; none below the minimum window size. */
  public Detection detect(WindowSample window, long seed) {
    if (window.size() < settings.minSamples()) {
      return Detection.NONE;
    }
    List<DriftTest> tests = new ArrayList<>(8);
    labelTests(window, tests);
    ks("confidence", window.confidence(), window.size(), sortedConfidence, tests);
    ks("text_length", window.textLength(), window.size(), sortedTextLength, tests);
    if (window.tokenCountSize() >= settings.minSamples()) {
      ks("token_count", window.tokenCount(), window.tokenCountSize(), sortedTokenCount, tests);
    }
    if (projectionEdges.length > 0
        && window.projections() != null
        && window.projectionSize() >= settings.minSamples()) {
      projectionPsi(window, tests);
      if (mmdReference.length >= 2) {
        mmd(window, seed, tests);
      }
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    Severity severity = null;
    for (DriftTest test : tests) {
      scores.put(test.test() + "." + test.feature(), test.statistic());
      if (test.drifted() && (severity == null || test.severity().compareTo(severity) > 0)) {
        severity = test.severity();
      }
    }
    return new Detection(List.copyOf(tests), scores, severity);
  }

  private void labelTests(WindowSample window, List<DriftTest> tests) {
    // the reference labels, plus one bin for any label the profile does not know
    double[] actual = new double[labels.size() + 1];
    double[] expected = Arrays.copyOf(referenceLabelShares, labels.size() + 1);
    for (Map.Entry<String, Long> e : window.predictedLabelCounts().entrySet()) {
      int index = labels.indexOf(e.getKey());
      actual[index >= 0 ? index : labels.size()] += e.getValue();
    }
    if (actual[labels.size()] == 0) {
      actual = Arrays.copyOf(actual, labels.size());
      expected = Arrays.copyOf(expected, labels.size());
    }
    if (actual.length < 2) {
      return;
    }
    double psi = Psi.ofCounts(expected, actual);
    double p = Psi.pValue(psi, actual.length, window.size(), profile.sampleCount());
    double critical = chiSquareCritical(actual.length, window.size(), profile.sampleCount(), 1);
    tests.add(test("psi", "predicted_label", psi, p, critical, settings.psi()));
    double js = JensenShannon.divergence(expected, actual);
    // JS (in nats) is about a quarter of the chi-square distance where PSI is about all of it
    double jsCritical = critical / 8 / Math.log(2);
    tests.add(
        test("jensen_shannon", "predicted_label", js, p, jsCritical, settings.jensenShannon()));
  }

  private void ks(
      String feature, double[] values, int n, double[] reference, List<DriftTest> tests) {
    if (reference.length == 0 || n == 0) {
      return;
    }
    KolmogorovSmirnov.Result r = KolmogorovSmirnov.testAgainstSorted(values, n, reference);
    double critical = KolmogorovSmirnov.criticalValue(settings.alpha(), n, reference.length);
    tests.add(test("ks", feature, r.statistic(), r.pValue(), critical, settings.ks()));
  }

  private void projectionPsi(WindowSample window, List<DriftTest> tests) {
    int k = projectionEdges.length;
    double worst = 0;
    double worstP = 1;
    double critical = 0;
    for (int i = 0; i < k; i++) {
      double[] actual =
          Distributions.histogram(
              window.projections()[i], window.projectionSize(), projectionEdges[i]);
      double psi = Psi.ofCounts(projectionCounts[i], actual);
      if (psi >= worst) {
        worst = psi;
        worstP = Psi.pValue(psi, actual.length, window.projectionSize(), projectionTotals[i]);
        critical =
            chiSquareCritical(actual.length, window.projectionSize(), projectionTotals[i], k);
      }
    }
    double corrected = Math.min(1, worstP * k);
    tests.add(test("psi", "embedding_projections", worst, corrected, critical, settings.psi()));
  }

  private void mmd(WindowSample window, long seed, List<DriftTest> tests) {
    int k = projectionEdges.length;
    int n = window.projectionSize();
    int size = Math.min(settings.mmdSampleSize(), n);
    double[][] x = new double[size][k];
    for (int i = 0; i < size; i++) {
      int row = (int) ((long) i * n / size);
      for (int j = 0; j < k; j++) {
        x[i][j] = window.projections()[j][row];
      }
    }
    Mmd.Result r = Mmd.test(x, mmdReference, settings.mmdPermutations(), seed);
    // a permutation test cannot give p below 1 / (permutations + 1): the effect threshold decides
    tests.add(test("mmd", "embedding", r.statistic(), r.pValue(), 0, settings.mmd()));
  }

  private DriftTest test(
      String name, String feature, double statistic, double p, double critical, Thresholds t) {
    double threshold = Math.max(t.low(), critical);
    boolean drifted = p < settings.alpha() && statistic >= t.low();
    if (name.equals("mmd")) {
      // p is at least 1 / (permutations + 1); require "no permutation reached it" instead
      drifted = p <= 1.0 / (settings.mmdPermutations() + 1) + 1e-12 && statistic >= t.low();
    }
    return new DriftTest(
        name,
        feature,
        statistic,
        threshold,
        Math.max(0, Math.min(1, p)),
        drifted,
        drifted ? t.severityOf(statistic) : null);
  }

  /** PSI above which the chi-square approximation rejects at alpha / tests. */
  private double chiSquareCritical(int bins, long n, long m, int testCount) {
    double scale = 1.0 / n + (m > 0 ? 1.0 / m : 0.0);
    // the quantile depends only on the degrees of freedom and the test count: compute it once
    double quantile =
        chiSquareQuantiles.computeIfAbsent(
            ((long) bins << 32) | testCount,
            key -> ChiSquare.inverseSurvival(settings.alpha() / testCount, bins - 1));
    return quantile * scale;
  }

  private static double[] sorted(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }
}
