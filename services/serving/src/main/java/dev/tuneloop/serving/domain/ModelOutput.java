package dev.tuneloop.serving.domain;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A model's answer for one text.
 *
 * @param label the most probable label
 * @param labelIndex its index in the model's label list
 * @param confidence its probability
 * @param probabilities the distribution over all labels, in label order
 * @param tokenCount tokens the model saw (special tokens included, after truncation)
 * @param embeddingProjections the pooled embedding projected on the reference profile's directions;
 *     null when the model has no reference profile
 */
public record ModelOutput(
    String label,
    int labelIndex,
    double confidence,
    float[] probabilities,
    int tokenCount,
    @Nullable List<Double> embeddingProjections) {}
