package dev.tuneloop.ml.inference;

import ai.djl.Device;
import dev.tuneloop.ml.metrics.ClassificationMetrics;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.model.ModelArtifact;
import dev.tuneloop.ml.onnx.OnnxExporter;
import dev.tuneloop.ml.tokenize.TextTokenizer;
import dev.tuneloop.ml.tokenize.TokenIds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fine-tuned text classifier loaded from a model folder ({@link ModelArtifact}), ready for
 * batched prediction. LoRA adapters are merged into the base weights on load, so inference costs
 * the same as for a fully fine-tuned model.
 *
 * <p>Two engines run the forward pass ({@link InferenceEngine}): DJL (PyTorch; CPU or GPU, the
 * default of the older overloads) and ONNX Runtime (CPU): the model is loaded with DJL, exported to
 * ONNX in memory ({@link OnnxExporter}) and DJL's copy of the weights is freed. Both give the same
 * results within float rounding.
 *
 * <p>Load once per process and share: {@link #predict} is safe to call from several threads.
 */
public final class TextClassifier implements AutoCloseable {

  private final ForwardPass forward;
  private final TextTokenizer tokenizer;
  private final List<String> labels;
  private final InferenceEngine engine;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TextClassifier(
      ForwardPass forward, TextTokenizer tokenizer, List<String> labels, InferenceEngine engine) {
    this.forward = forward;
    this.tokenizer = tokenizer;
    this.labels = labels;
    this.engine = engine;
  }

  /**
   * Loads a classifier that runs on DJL.
   *
   * @param artifact the fine-tuned model folder
   * @param baseModel the base-model folder, needed when the artifact holds no {@code
   *     model.safetensors} (strategies head and lora); may be null otherwise
   * @param device where to run (null: the engine's default)
   * @param batchSize texts per forward pass
   * @throws IOException if a file is missing or inconsistent (the message names it)
   */
  public static TextClassifier load(Path artifact, Path baseModel, Device device, int batchSize)
      throws IOException {
    return load(artifact, baseModel, device, batchSize, InferenceEngine.DJL, OrtOptions.defaults());
  }

  /**
   * Loads a classifier on the given engine ({@link OrtOptions#defaults()} for ONNX Runtime).
   *
   * @see #load(Path, Path, Device, int, InferenceEngine, OrtOptions)
   */
  public static TextClassifier load(
      Path artifact, Path baseModel, Device device, int batchSize, InferenceEngine engine)
      throws IOException {
    return load(artifact, baseModel, device, batchSize, engine, OrtOptions.defaults());
  }

  /**
   * Loads a classifier.
   *
   * @param artifact the fine-tuned model folder
   * @param baseModel the base-model folder, needed when the artifact holds no {@code
   *     model.safetensors} (strategies head and lora); may be null otherwise
   * @param device where DJL runs (null: the engine's default); ONNX Runtime runs on the CPU, so
   *     with {@link InferenceEngine#ONNXRUNTIME} it must be null or a CPU
   * @param batchSize texts per forward pass (texts are sorted by length and run in chunks of this
   *     size, each padded to its own longest text)
   * @param engine what runs the forward passes
   * @param ortOptions ONNX Runtime session settings (ignored by DJL)
   * @throws IOException if a file is missing or inconsistent, or the model cannot be exported to
   *     ONNX (the message says why)
   */
  public static TextClassifier load(
      Path artifact,
      Path baseModel,
      Device device,
      int batchSize,
      InferenceEngine engine,
      OrtOptions ortOptions)
      throws IOException {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive");
    }
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(ortOptions, "ortOptions");
    if (engine == InferenceEngine.ONNXRUNTIME
        && device != null
        && !Device.Type.CPU.equals(device.getDeviceType())) {
      throw new IllegalArgumentException(
          "ONNX Runtime runs on the CPU; use InferenceEngine.DJL for device " + device);
    }
    LoadedClassifier loaded = LoadedClassifier.load(artifact, baseModel, device);
    TextTokenizer tokenizer = null;
    ForwardPass forward = null;
    try {
      BertConfig config = loaded.config();
      tokenizer =
          TextTokenizer.load(loaded.tokenizerFile(), loaded.maxLength(), config.padTokenId());
      if (engine == InferenceEngine.DJL) {
        forward =
            new DjlForwardPass(loaded.manager(), loaded.model(), tokenizer.padId(), batchSize);
      } else {
        byte[] onnx =
            OnnxExporter.toBytes(
                loaded.model(), loaded.labels(), loaded.maxLength(), ortOptions.quantization());
        // The session holds its own copy of the weights: free DJL's before it is created.
        loaded.close();
        forward =
            OrtForwardPass.create(
                onnx,
                ortOptions,
                tokenizer.padId(),
                batchSize,
                loaded.labels().size(),
                config.hiddenSize(),
                config.maxPositionEmbeddings());
      }
      return new TextClassifier(forward, tokenizer, loaded.labels(), engine);
    } catch (IOException | RuntimeException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      loaded.close();
      throw e;
    }
  }

  /** The engine running the forward passes. */
  public InferenceEngine engine() {
    return engine;
  }

  /** Label names in index order. */
  public List<String> labels() {
    return labels;
  }

  /** Predicts a label and distribution for each text, in input order. */
  public List<Prediction> predict(List<String> texts) {
    float[][] probabilities = probabilities(tokenizer.encodeAll(texts));
    List<Prediction> out = new ArrayList<>(texts.size());
    for (float[] row : probabilities) {
      int best = ClassificationMetrics.argMax(row);
      out.add(new Prediction(labels.get(best), best, row[best], row));
    }
    return out;
  }

  /**
   * Predicts like {@link #predict} and also returns each text's pooled vector (what the head sees)
   * and token count, in one forward pass: what drift monitoring profiles.
   */
  public List<Analysis> analyze(List<String> texts) {
    List<TokenIds> tokens = tokenizer.encodeAll(texts);
    float[][] rows = forward.probabilitiesAndPooled(tokens);
    int numLabels = labels.size();
    List<Analysis> out = new ArrayList<>(texts.size());
    for (int i = 0; i < rows.length; i++) {
      float[] probabilities = Arrays.copyOfRange(rows[i], 0, numLabels);
      float[] embedding = Arrays.copyOfRange(rows[i], numLabels, rows[i].length);
      int best = ClassificationMetrics.argMax(probabilities);
      out.add(
          new Analysis(
              new Prediction(labels.get(best), best, probabilities[best], probabilities),
              embedding,
              tokens.get(i).length()));
    }
    return out;
  }

  /**
   * A prediction with the text's pooled vector.
   *
   * @param prediction label and distribution
   * @param embedding the pooled vector the head classified
   * @param tokenCount tokens the model saw (special tokens included, after truncation)
   */
  public record Analysis(Prediction prediction, float[] embedding, int tokenCount) {}

  /** Label distributions for tokenized texts, in input order. */
  public float[][] probabilities(List<TokenIds> texts) {
    return forward.probabilities(texts);
  }

  /** The tokenizer, e.g. to pre-tokenize an evaluation set once. */
  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** Frees the tokenizer and the engine's native memory; later calls do nothing. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    tokenizer.close();
    forward.close();
  }
}
