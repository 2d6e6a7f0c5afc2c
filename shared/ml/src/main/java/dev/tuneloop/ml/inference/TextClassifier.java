package dev.tuneloop.ml.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.tuneloop.ml.lora.LoraAdapters;
import dev.tuneloop.ml.metrics.ClassificationMetrics;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.model.BertEncoder;
import dev.tuneloop.ml.model.ClassificationHead;
import dev.tuneloop.ml.model.ModelArtifact;
import dev.tuneloop.ml.model.SequenceClassifier;
import dev.tuneloop.ml.tokenize.TextTokenizer;
import dev.tuneloop.ml.tokenize.TokenIds;
import dev.tuneloop.ml.weights.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fine-tuned text classifier loaded from a model folder ({@link ModelArtifact}), ready for
 * batched prediction. LoRA adapters are merged into the base weights on load, so inference costs
 * the same as for a fully fine-tuned model.
 *
 * <p>Load once per process and share: {@link #predict} is safe to call from several threads.
 */
public final class TextClassifier implements AutoCloseable {

  private final NDManager manager;
  private final SequenceClassifier model;
  private final TextTokenizer tokenizer;
  private final List<String> labels;
  private final int batchSize;

  private TextClassifier(
      NDManager manager,
      SequenceClassifier model,
      TextTokenizer tokenizer,
      List<String> labels,
      int batchSize) {
    this.manager = manager;
    this.model = model;
    this.tokenizer = tokenizer;
    this.labels = labels;
    this.batchSize = batchSize;
  }

  /**
   * Loads a classifier.
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
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive");
    }
    List<String> labels = ModelArtifact.readLabels(artifact);
    ModelArtifact.HeadFile headFile = ModelArtifact.readHead(artifact);
    Path configFile = artifact.resolve(BertConfig.FILE_NAME);
    Path tokenizerFile = artifact.resolve(BaseModelFolder.TOKENIZER_FILE);
    BaseModelFolder base = null;
    if (!ModelArtifact.hasFullWeights(artifact)) {
      if (baseModel == null) {
        throw new IOException(
            artifact
                + " holds no model.safetensors (head or LoRA fine-tuning); pass the base model folder");
      }
      base = BaseModelFolder.open(baseModel);
      configFile = Files.isRegularFile(configFile) ? configFile : base.configFile();
      tokenizerFile = Files.isRegularFile(tokenizerFile) ? tokenizerFile : base.tokenizerFile();
    }
    BertConfig config = BertConfig.read(configFile);
    NDManager manager =
        device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device);
    TextTokenizer tokenizer = null;
    try {
      BertEncoder encoder = new BertEncoder(config);
      Path weights =
          base == null ? artifact.resolve(BaseModelFolder.WEIGHTS_FILE) : base.weightsFile();
      encoder.loadWeights(Safetensors.read(weights).tensors(), manager);
      if (ModelArtifact.hasAdapter(artifact)) {
        LoraAdapters.load(artifact, encoder, manager);
        LoraAdapters.merge(encoder);
      }
      ClassificationHead head = new ClassificationHead(config.hiddenSize(), labels.size(), 0);
      head.loadWeights(headFile.weights(), manager);
      tokenizer = TextTokenizer.load(tokenizerFile, headFile.maxLength(), config.padTokenId());
      return new TextClassifier(
          manager,
          new SequenceClassifier(encoder, headFile.pooling(), head),
          tokenizer,
          labels,
          batchSize);
    } catch (IOException | RuntimeException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      manager.close();
      throw e;
    }
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
    float[][] rows = model.probabilitiesAndPooled(tokens, tokenizer.padId(), batchSize, manager);
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
    return model.probabilities(texts, tokenizer.padId(), batchSize, manager);
  }

  /** The tokenizer, e.g. to pre-tokenize an evaluation set once. */
  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
