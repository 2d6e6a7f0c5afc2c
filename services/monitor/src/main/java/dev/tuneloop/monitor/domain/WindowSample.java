package dev.tuneloop.monitor.domain;

import java.util.Map;

/**
 * What a closed window collected for the drift tests. Arrays may be longer than the number of
 * values they hold; the tests may reorder them.
 *
 * @param size predictions in the window
 * @param predictedLabelCounts predictions per predicted label
 * @param confidence the predictions' confidences ({@code size} values)
 * @param textLength the inputs' text lengths ({@code size} values)
 * @param tokenCount token counts, for the {@code tokenCountSize} inputs that had one
 * @param tokenCountSize values in {@code tokenCount}
 * @param projections per projection, the projected embeddings of the {@code projectionSize} inputs
 *     that had k of them; {@code null} when no reference projections are known
 * @param projectionSize values in each {@code projections[i]}
 */
public record WindowSample(
    int size,
    Map<String, Long> predictedLabelCounts,
    double[] confidence,
    double[] textLength,
    double[] tokenCount,
    int tokenCountSize,
    double[][] projections,
    int projectionSize) {}
