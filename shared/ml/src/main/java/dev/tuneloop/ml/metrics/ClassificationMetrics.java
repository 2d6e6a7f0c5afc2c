package dev.tuneloop.ml.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quality of a classifier on a labelled set.
 *
 * @param labels label names, index order
 * @param count number of examples
 * @param accuracy share of correct predictions
 * @param macroF1 unweighted mean of per-label F1 over all labels
 * @param microF1 F1 over all decisions pooled (equals accuracy for single-label classification)
 * @param weightedF1 per-label F1 weighted by support
 * @param perClass precision, recall, F1 and support per label
 * @param confusionMatrix {@code [true][predicted]} counts
 * @param logLoss mean negative log-likelihood of the true label (probabilities clipped to 1e-15)
 * @param expectedCalibrationError ECE over equal-width confidence bins: the support-weighted mean
 *     gap between accuracy and mean confidence of the predicted label
 * @param calibrationBins number of bins used for the ECE
 */
public record ClassificationMetrics(
    List<String> labels,
    long count,
    double accuracy,
    double macroF1,
    double microF1,
    double weightedF1,
    List<ClassMetrics> perClass,
    long[][] confusionMatrix,
    double logLoss,
    double expectedCalibrationError,
    int calibrationBins) {

  /** Default number of ECE bins (the usual choice in the calibration literature). */
  public static final int DEFAULT_BINS = 10;

  private static final double PROBABILITY_FLOOR = 1e-15;

  /**
   * Computes all metrics.
   *
   * @param labels label names; index {@code i} is column {@code i} of {@code probabilities}
   * @param trueLabels true label index per example
   * @param probabilities predicted distribution per example (rows sum to 1); the prediction is the
   *     arg-max (the first one on ties)
   * @param bins number of equal-width confidence bins for the ECE
   */
  public static ClassificationMetrics compute(
      List<String> labels, int[] trueLabels, float[][] probabilities, int bins) {
    int k = labels.size();
    int n = trueLabels.length;
    if (n == 0) {
      throw new IllegalArgumentException("Metrics need at least one example");
    }
    if (probabilities.length != n) {
      throw new IllegalArgumentException(
          n + " true labels but " + probabilities.length + " probability rows");
    }
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1");
    }
    long[][] confusion = new long[k][k];
    double logLoss = 0;
    long[] binCount = new long[bins];
    double[] binConfidence = new double[bins];
    double[] binCorrect = new double[bins];
    for (int i = 0; i < n; i++) {
      float[] row = probabilities[i];
      int truth = trueLabels[i];
      if (row.length != k) {
        throw new IllegalArgumentException(
            "Row " + i + " has " + row.length + " probabilities for " + k + " labels");
      }
      if (truth < 0 || truth >= k) {
        throw new IllegalArgumentException(
            "Row " + i + ": true label index " + truth + " is out of range");
      }
      int predicted = argMax(row);
      confusion[truth][predicted]++;
      logLoss -= Math.log(Math.max(row[truth], PROBABILITY_FLOOR));
      double confidence = row[predicted];
      int bin = Math.min(bins - 1, (int) Math.floor(confidence * bins));
      // Confidence exactly on an edge goes to the lower bin, as (lo, hi] intervals do.
      if (bin > 0 && confidence * bins == bin) {
        bin--;
      }
      binCount[bin]++;
      binConfidence[bin] += confidence;
      binCorrect[bin] += predicted == truth ? 1 : 0;
    }
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      if (binCount[b] > 0) {
        ece += Math.abs(binCorrect[b] - binConfidence[b]) / n;
      }
    }

    List<ClassMetrics> perClass = new ArrayList<>(k);
    long correct = 0;
    double macro = 0;
    double weighted = 0;
    for (int c = 0; c < k; c++) {
      long tp = confusion[c][c];
      long support = 0;
      long predictedCount = 0;
      for (int j = 0; j < k; j++) {
        support += confusion[c][j];
        predictedCount += confusion[j][c];
      }
      double precision = predictedCount == 0 ? 0 : (double) tp / predictedCount;
      double recall = support == 0 ? 0 : (double) tp / support;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      perClass.add(new ClassMetrics(labels.get(c), precision, recall, f1, support));
      correct += tp;
      macro += f1;
      weighted += f1 * support;
    }
    double accuracy = (double) correct / n;
    return new ClassificationMetrics(
        List.copyOf(labels),
        n,
        accuracy,
        macro / k,
        accuracy,
        weighted / n,
        List.copyOf(perClass),
        confusion,
        logLoss / n,
        ece,
        bins);
  }

  /** {@link #compute(List, int[], float[][], int)} with {@link #DEFAULT_BINS} bins. */
  public static ClassificationMetrics compute(
      List<String> labels, int[] trueLabels, float[][] probabilities) {
    return compute(labels, trueLabels, probabilities, DEFAULT_BINS);
  }

  /** Index of the largest value (first on ties). */
  public static int argMax(float[] row) {
    int best = 0;
    for (int j = 1; j < row.length; j++) {
      if (row[j] > row[best]) {
        best = j;
      }
    }
    return best;
  }

  /**
   * The headline numbers as a flat map with stable keys ({@code accuracy}, {@code macro_f1}, {@code
   * micro_f1}, {@code weighted_f1}, {@code log_loss}, {@code ece}, and {@code f1_<label>}, {@code
   * precision_<label>}, {@code recall_<label>}), e.g. for MLflow.
   */
  public Map<String, Double> asMap() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("accuracy", accuracy);
    out.put("macro_f1", macroF1);
    out.put("micro_f1", microF1);
    out.put("weighted_f1", weightedF1);
    out.put("log_loss", logLoss);
    out.put("ece", expectedCalibrationError);
    for (ClassMetrics c : perClass) {
      out.put("precision_" + c.label(), c.precision());
      out.put("recall_" + c.label(), c.recall());
      out.put("f1_" + c.label(), c.f1());
    }
    return out;
  }

  /** The value of a metric by its {@link #asMap()} key. */
  public double get(String metric) {
    Double value = asMap().get(metric);
    if (value == null) {
      throw new IllegalArgumentException(
          "Unknown metric '" + metric + "'; known: " + asMap().keySet());
    }
    return value;
  }
}
