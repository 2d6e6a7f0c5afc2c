package dev.tuneloop.ml.train;

/**
 * Progress after one optimizer update.
 *
 * @param step updates done so far (1 after the first)
 * @param totalSteps updates the run will do (unless it stops early)
 * @param epoch fractional epoch, e.g. 1.5 halfway through the second
 * @param loss mean training loss over the update's examples
 * @param learningRate the rate the update used
 * @param gradientNorm global gradient norm before clipping
 * @param samplesPerSecond training throughput since the previous report
 */
public record TrainingProgress(
    int step,
    int totalSteps,
    double epoch,
    double loss,
    double learningRate,
    double gradientNorm,
    double samplesPerSecond) {}
