package dev.tuneloop.ml.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.tuneloop.ml.lora.LoraAdapters;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.model.BertEncoder;
import dev.tuneloop.ml.model.ClassificationHead;
import dev.tuneloop.ml.model.ModelArtifact;
import dev.tuneloop.ml.model.SequenceClassifier;
import dev.tuneloop.ml.weights.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A fine-tuned model folder loaded into DJL: the classifier (LoRA adapters merged), its labels,
 * tokenizer file and maximum length. Closing it frees the weights.
 *
 * @param manager owns the weights
 * @param model encoder, pooling and head
 * @param labels label names in index order
 * @param tokenizerFile the {@code tokenizer.json} to use (the artifact's, else the base model's)
 * @param maxLength the tokenizer's maximum length in tokens (from {@code head.safetensors})
 */
public record LoadedClassifier(
    NDManager manager,
    SequenceClassifier model,
    List<String> labels,
    Path tokenizerFile,
    int maxLength)
    implements AutoCloseable {

  /**
   * Loads a model folder.
   *
   * @param artifact the fine-tuned model folder
   * @param baseModel the base-model folder, needed when the artifact holds no {@code
   *     model.safetensors} (strategies head and lora); may be null otherwise
   * @param device where the weights go (null: the engine's default)
   * @throws IOException if a file is missing or inconsistent (the message names it)
   */
  public static LoadedClassifier load(Path artifact, Path baseModel, Device device)
      throws IOException {
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
      return new LoadedClassifier(
          manager,
          new SequenceClassifier(encoder, headFile.pooling(), head),
          labels,
          tokenizerFile,
          headFile.maxLength());
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** The encoder's config. */
  public BertConfig config() {
    return model.encoder().config();
  }

  /** Frees the weights. */
  @Override
  public void close() {
    manager.close();
  }
}
