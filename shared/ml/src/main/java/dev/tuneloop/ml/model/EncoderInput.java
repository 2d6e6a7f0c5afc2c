package dev.tuneloop.ml.model;

import ai.djl.ndarray.NDArray;

/**
 * A tokenized batch as NDArrays, all int64 [batch, sequence].
 *
 * @param inputIds token ids, padded
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param tokenTypeIds segment ids (all 0 for single texts)
 */
public record EncoderInput(NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds) {}
