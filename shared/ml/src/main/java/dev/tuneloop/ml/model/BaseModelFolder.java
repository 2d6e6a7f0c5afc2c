package dev.tuneloop.ml.model;

import ai.djl.ndarray.NDManager;
import dev.tuneloop.ml.weights.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A pre-trained encoder on disk in Hugging Face layout: {@code config.json}, {@code tokenizer.json}
 * and {@code model.safetensors}. {@link BaseModelImporter} creates one from an ONNX export; a
 * folder downloaded from the Hugging Face hub works as is.
 *
 * @param directory the folder
 */
public record BaseModelFolder(Path directory) {

  private static final Logger LOG = Logger.getLogger(BaseModelFolder.class);

  /** Name of the tokenizer file. */
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** Name of the weights file. */
  public static final String WEIGHTS_FILE = "model.safetensors";

  /**
   * Opens a folder, checking that the three files exist.
   *
   * @throws IOException naming the missing file and how to create the folder
   */
  public static BaseModelFolder open(Path directory) throws IOException {
    for (String file : List.of(BertConfig.FILE_NAME, TOKENIZER_FILE, WEIGHTS_FILE)) {
      if (!Files.isRegularFile(directory.resolve(file))) {
        throw new IOException(
            "Base model folder "
                + directory
                + " lacks "
                + file
                + "; create it with dev.tuneloop.ml.model.BaseModelImporter or copy a Hugging Face"
                + " BERT model there");
      }
    }
    return new BaseModelFolder(directory);
  }

  /** Whether {@code directory} holds all three files. */
  public static boolean isComplete(Path directory) {
    return Files.isRegularFile(directory.resolve(BertConfig.FILE_NAME))
        && Files.isRegularFile(directory.resolve(TOKENIZER_FILE))
        && Files.isRegularFile(directory.resolve(WEIGHTS_FILE));
  }

  /** {@code config.json}. */
  public Path configFile() {
    return directory.resolve(BertConfig.FILE_NAME);
  }

  /** {@code tokenizer.json}. */
  public Path tokenizerFile() {
    return directory.resolve(TOKENIZER_FILE);
  }

  /** {@code model.safetensors}. */
  public Path weightsFile() {
    return directory.resolve(WEIGHTS_FILE);
  }

  /** Reads {@code config.json}. */
  public BertConfig config() throws IOException {
    return BertConfig.read(configFile());
  }

  /**
   * Builds the encoder and loads its weights into arrays owned by {@code manager}.
   *
   * @param config the config to shape it with (usually {@link #config()}, possibly with other
   *     dropout)
   */
  public BertEncoder loadEncoder(BertConfig config, NDManager manager) throws IOException {
    BertEncoder encoder = new BertEncoder(config);
    List<String> unused = encoder.loadWeights(Safetensors.read(weightsFile()).tensors(), manager);
    if (!unused.isEmpty()) {
      LOG.debugf("Tensors in %s not used by the encoder: %s", weightsFile(), unused);
    }
    return encoder;
  }
}
