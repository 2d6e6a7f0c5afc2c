package dev.tuneloop.evaluator.domain;

import dev.tuneloop.ml.metrics.ClassificationMetrics;
import dev.tuneloop.ml.train.LabelledText;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's predictions and metrics on one labelled set, in a reference label order (the
 * candidate's), so two models can be compared example by example.
 *
 * @param metrics accuracy, F1s, per class, confusion matrix, log-loss, ECE
 * @param truth true label index per example
 * @param predicted predicted label index per example
 * @param latency time of the forward passes
 */
public record ModelScore(
    ClassificationMetrics metrics, int[] truth, int[] predicted, Latency latency) {

  /**
   * Scores {@code model} on {@code examples} in batches of {@code batchSize}, timing each batch.
   *
   * @param labels the reference label order; {@code model} must know the same labels (any order)
   * @throws IllegalArgumentException if the label sets differ or an example's label is unknown
   */
  public static ModelScore score(
      Classifier model, List<String> labels, List<LabelledText> examples, int batchSize) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("nothing to score: the labelled set is empty");
    }
    int[] column = columnOrder(model.labels(), labels);
    int n = examples.size();
    int[] truth = new int[n];
    for (int i = 0; i < n; i++) {
      truth[i] = labels.indexOf(examples.get(i).label());
      if (truth[i] < 0) {
        throw new IllegalArgumentException(
            "example "
                + examples.get(i).id()
                + " has label '"
                + examples.get(i).label()
                + "', not one of "
                + labels);
      }
    }
    float[][] probabilities = new float[n][];
    List<Long> times = new ArrayList<>();
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      List<String> texts = examples.subList(from, to).stream().map(LabelledText::text).toList();
      long start = System.nanoTime();
      float[][] rows = model.probabilities(texts);
      times.add(System.nanoTime() - start);
      for (int i = 0; i < rows.length; i++) {
        float[] reordered = new float[labels.size()];
        for (int j = 0; j < labels.size(); j++) {
          reordered[j] = rows[i][column[j]];
        }
        probabilities[from + i] = reordered;
      }
    }
    int[] predicted = new int[n];
    for (int i = 0; i < n; i++) {
      predicted[i] = ClassificationMetrics.argMax(probabilities[i]);
    }
    return new ModelScore(
        ClassificationMetrics.compute(labels, truth, probabilities),
        truth,
        predicted,
        Latency.of(batchSize, times.stream().mapToLong(Long::longValue).toArray(), n));
  }

  /**
   * For each reference label, the model's column holding it.
   *
   * @throws IllegalArgumentException if the two label sets differ
   */
  static int[] columnOrder(List<String> modelLabels, List<String> reference) {
    if (modelLabels.size() != reference.size() || !modelLabels.containsAll(reference)) {
      throw new IllegalArgumentException(
          "label sets differ: model " + modelLabels + ", reference " + reference);
    }
    int[] column = new int[reference.size()];
    for (int j = 0; j < reference.size(); j++) {
      column[j] = modelLabels.indexOf(reference.get(j));
    }
    return column;
  }

  /** Whether a model with {@code modelLabels} can be scored against {@code reference}. */
  public static boolean sameLabelSet(List<String> modelLabels, List<String> reference) {
    return modelLabels.size() == reference.size() && modelLabels.containsAll(reference);
  }
}
