package dev.tuneloop.serving.config;

import dev.tuneloop.ml.inference.InferenceEngine;
import dev.tuneloop.ml.onnx.Quantization;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Serving settings ({@code tuneloop.serving.*}); every one has a default. */
@ConfigMapping(prefix = "tuneloop.serving")
public interface ServingConfig {

  /**
   * Most texts per forward pass of the dynamic batcher (unset: the engine's default, 1 on {@code
   * onnxruntime} and 32 on {@code djl}; see {@code BatchingSettings.forEngine} for the measurements
   * behind them).
   */
  Optional<Integer> maxBatchSize();

  /**
   * Most texts per tensor inside a forward pass: a batch is sorted by length and cut into chunks of
   * at most this size, each padded only to its own longest text (less padding; larger chunks,
   * larger matrix products). On ONNX Runtime a text also starts a new chunk when joining would pad
   * more than a separate forward pass costs.
   */
  @WithDefault("16")
  int forwardChunkSize();

  /**
   * Forward passes of one model version that may run at the same time (each on its own thread,
   * sharing the weights). Unset: one per core on {@code onnxruntime} (each with one ONNX Runtime
   * thread unless {@code ort-threads} says otherwise), 2 on {@code djl} (one batch forms while the
   * previous one computes).
   */
  Optional<Integer> forwardWorkers();

  /** Longest a request waits for others to join its batch. */
  @WithDefault("2ms")
  Duration maxBatchWait();

  /** Most requests waiting per model version; more are answered 503 with Retry-After. */
  @WithDefault("2048")
  int maxQueue();

  /** Longest a prediction request may take; later it is answered 504. */
  @WithDefault("10s")
  Duration requestTimeout();

  /** Most texts per request. */
  @WithDefault("64")
  int maxInstances();

  /** Longest text, in characters (longer texts are answered 413). */
  @WithDefault("20000")
  int maxTextChars();

  /** The Retry-After of 503 answers while a model is loading. */
  @WithDefault("5s")
  Duration retryAfter();

  /** Only models whose name matches this regular expression are served. */
  @WithDefault(".*")
  String modelFilter();

  /** Local cache of downloaded model folders. */
  @WithDefault("${java.io.tmpdir}/tuneloop-serving/models")
  String modelCacheDirectory();

  /**
   * What runs the forward passes: {@code onnxruntime} (the model is loaded with DJL, LoRA merged,
   * exported to ONNX in memory and run by ONNX Runtime; about three times faster than DJL on CPU)
   * or {@code djl} (PyTorch; the GPU path).
   */
  @WithDefault("onnxruntime")
  InferenceEngine engine();

  /**
   * ONNX Runtime intra-op threads of each forward pass (unset: cores / forward workers, at least
   * one, so one version's workers together use each core once; champion and challenger each have
   * theirs; measured best for throughput and p99 in the serving benchmark).
   */
  Optional<Integer> ortThreads();

  /**
   * Whether idle ONNX Runtime threads spin-wait for work (a little lower latency, but they burn CPU
   * other threads could use).
   */
  @WithDefault("false")
  boolean ortAllowSpinning();

  /**
   * How the ONNX Runtime engine stores the encoder's Linear layers: {@code int8} (dynamic int8
   * quantization, see {@code dev.tuneloop.ml.onnx.Quantization}: about 1.8x less compute per text,
   * answers within a few hundredths of a probability of float32) or {@code none} (float32, exactly
   * the model the evaluator scored). Ignored by {@code djl}.
   */
  @WithDefault("int8")
  Quantization quantization();

  /** libtorch intra-op threads (unset: DJL's default, one per core). */
  Optional<Integer> torchThreads();

  /** The asynchronous prediction log. */
  PredictionLogConfig predictionLog();

  /** Settings of the asynchronous producer of {@code tuneloop.predictions}. */
  interface PredictionLogConfig {

    /** Most predictions waiting to be sent; more are dropped and counted. */
    @WithDefault("100000")
    int capacity();

    /** Most predictions handed to the Kafka producer at once. */
    @WithDefault("500")
    int maxBatch();

    /** The producer's linger: how long it waits to fill a Kafka batch. */
    @WithDefault("20ms")
    Duration linger();
  }
}
