package dev.tuneloop.ml.metrics;

/**
 * Precision, recall and F1 of one label.
 *
 * @param label the label
 * @param precision true positives / predicted positives (0 when nothing was predicted)
 * @param recall true positives / actual positives (0 when the label never occurs)
 * @param f1 harmonic mean of precision and recall (0 when both are 0)
 * @param support number of examples whose true label this is
 */
public record ClassMetrics(
    String label, double precision, double recall, double f1, long support) {}
