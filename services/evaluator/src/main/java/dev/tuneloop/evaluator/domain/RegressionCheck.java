package dev.tuneloop.evaluator.domain;

import dev.tuneloop.ml.metrics.ClassificationMetrics;

/**
 * Candidate and champion on the test split of an earlier dataset version.
 *
 * @param datasetVersion the earlier version
 * @param examples its test examples
 * @param candidate the candidate's metrics there
 * @param champion the champion's metrics there
 */
public record RegressionCheck(
    int datasetVersion,
    int examples,
    ClassificationMetrics candidate,
    ClassificationMetrics champion) {}
