package dev.tuneloop.ml.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * A parameter together with the shape {@code config.json} prescribes for it, so weights read from a
 * file can be checked before they are used.
 *
 * @param parameter the DJL parameter (its array may not be set yet)
 * @param shape the expected shape
 */
public record ModelParameter(Parameter parameter, Shape shape) {}
