package dev.tuneloop.ml.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tuneloop.ml.weights.Safetensors;
import dev.tuneloop.ml.weights.WeightTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The files of a fine-tuned model folder, as the design lays them out: {@code config.json}, {@code
 * tokenizer.json}, the encoder as {@code model.safetensors} (strategy full) or {@code
 * adapter_model.safetensors} + {@code adapter_config.json} (LoRA) or nothing (head only: the base
 * model's weights are used), the classifier as {@code head.safetensors} and the label order as
 * {@code labels.json}.
 *
 * <p>{@code head.safetensors} holds {@code classifier.weight} and {@code classifier.bias} and, in
 * its metadata, {@code pooling} and {@code max_length}.
 */
public final class ModelArtifact {

  /** Label names in index order, a JSON array. */
  public static final String LABELS_FILE = "labels.json";

  /** The classification head. */
  public static final String HEAD_FILE = "head.safetensors";

  /** LoRA adapter weights (PEFT's name; see {@code dev.tuneloop.ml.lora.LoraAdapters}). */
  public static final String ADAPTER_WEIGHTS_FILE = "adapter_model.safetensors";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelArtifact() {}

  /** What {@code head.safetensors} holds. */
  public record HeadFile(Map<String, WeightTensor> weights, Pooling pooling, int maxLength) {}

  /** Writes {@code labels.json}. */
  public static void writeLabels(Path directory, List<String> labels) throws IOException {
    Files.createDirectories(directory);
    JSON.writeValue(directory.resolve(LABELS_FILE).toFile(), labels);
  }

  /**
   * Reads {@code labels.json}.
   *
   * @throws IOException if missing, not an array of strings, or with duplicates
   */
  public static List<String> readLabels(Path directory) throws IOException {
    Path file = directory.resolve(LABELS_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException("No " + LABELS_FILE + " in " + directory);
    }
    List<String> labels = JSON.readValue(file.toFile(), new TypeReference<List<String>>() {});
    if (labels.size() < 2 || new HashSet<>(labels).size() != labels.size()) {
      throw new IOException(file + " must list at least two distinct labels, has " + labels);
    }
    return List.copyOf(labels);
  }

  /** Writes {@code head.safetensors}. */
  public static void writeHead(
      Path directory, ClassificationHead head, Pooling pooling, int maxLength) throws IOException {
    Safetensors.write(
        directory.resolve(HEAD_FILE),
        head.exportWeights(),
        Map.of("format", "pt", "pooling", pooling.id(), "max_length", Integer.toString(maxLength)));
  }

  /** Reads {@code head.safetensors}. */
  public static HeadFile readHead(Path directory) throws IOException {
    Path file = directory.resolve(HEAD_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException("No " + HEAD_FILE + " in " + directory);
    }
    Safetensors.Contents contents = Safetensors.read(file);
    Pooling pooling = Pooling.parse(contents.metadata().getOrDefault("pooling", "mean"));
    int maxLength = Integer.parseInt(contents.metadata().getOrDefault("max_length", "128"));
    return new HeadFile(contents.tensors(), pooling, maxLength);
  }

  /** Whether the folder holds a full encoder. */
  public static boolean hasFullWeights(Path directory) {
    return Files.isRegularFile(directory.resolve(BaseModelFolder.WEIGHTS_FILE));
  }

  /** Whether the folder holds LoRA adapters. */
  public static boolean hasAdapter(Path directory) {
    return Files.isRegularFile(directory.resolve(ADAPTER_WEIGHTS_FILE));
  }
}
