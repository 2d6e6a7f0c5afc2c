package dev.tuneloop.serving.domain;

import dev.tuneloop.ml.inference.InferenceEngine;
import java.time.Duration;
import java.util.Optional;

/**
 * How each model version's {@link DynamicBatcher} batches.
 *
 * @param maxBatchSize most texts per forward pass
 * @param maxWait longest a request waits for others to join its batch
 * @param maxQueue most requests waiting per model version; more get 503
 * @param workers forward passes of one model version that may run at the same time
 */
public record BatchingSettings(int maxBatchSize, Duration maxWait, int maxQueue, int workers) {

  /** Texts per forward pass on the DJL engine unless configured. */
  public static final int DJL_MAX_BATCH_SIZE = 32;

  /** Forward workers on the DJL engine unless configured. */
  public static final int DJL_WORKERS = 2;

  /** Checks the values. */
  public BatchingSettings {
    if (maxBatchSize < 1 || maxQueue < 1 || workers < 1 || maxWait.isNegative()) {
      throw new IllegalArgumentException(
          "max batch size, queue and workers must be positive and max wait not negative");
    }
  }

  /**
   * Settings for an engine, with its defaults where nothing is configured.
   *
   * <p>ONNX Runtime on CPU: one text per forward pass and one worker per core. Its cost per text
   * does not fall with the batch size (MiniLM int8, one thread, 64 tokens: 6.8 ms per text alone,
   * 6.5 in twos, 6.2-7.9 in eights), so batching only adds what a batch costs its requests: each
   * waits for the longest text and for the whole batch, padding is computed for nothing, and while
   * one worker runs a large batch the others can sit idle. Measured in the serving benchmark (2
   * cores, 8 clients): one text per pass 247 req/s with p99 55 ms, batches of up to 32 texts 196
   * req/s with p99 99 ms.
   *
   * <p>DJL (libtorch; the GPU path): batches of up to {@value #DJL_MAX_BATCH_SIZE} texts and
   * {@value #DJL_WORKERS} workers, so one batch forms while the previous one computes; a GPU (and
   * libtorch's own threads on CPU) computes a batch for little more than one text.
   *
   * @param engine what runs the forward passes
   * @param maxBatchSize configured texts per forward pass, or empty for the engine's default
   * @param maxWait longest a request waits for others to join its batch
   * @param maxQueue most requests waiting per model version
   * @param workers configured forward workers, or empty for the engine's default
   * @param cores processors available to this process
   */
  public static BatchingSettings forEngine(
      InferenceEngine engine,
      Optional<Integer> maxBatchSize,
      Duration maxWait,
      int maxQueue,
      Optional<Integer> workers,
      int cores) {
    boolean cpuOrt = engine == InferenceEngine.ONNXRUNTIME;
    return new BatchingSettings(
        maxBatchSize.orElse(cpuOrt ? 1 : DJL_MAX_BATCH_SIZE),
        maxWait,
        maxQueue,
        workers.orElse(cpuOrt ? Math.max(1, cores) : DJL_WORKERS));
  }
}
