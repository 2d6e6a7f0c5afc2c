package dev.tuneloop.ml.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The train, validation and test splits of a curated dataset version: {@code train.jsonl}
 * (required), {@code validation.jsonl} and {@code test.jsonl} (optional), one JSON object per line
 * with {@code text} and {@code label} (and optionally {@code id}; other fields are ignored).
 *
 * @param train training examples
 * @param validation validation examples (empty if the file is absent)
 * @param test test examples (empty if the file is absent)
 */
public record DatasetSplits(
    List<LabelledText> train, List<LabelledText> validation, List<LabelledText> test) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads a dataset folder.
   *
   * @param labels the allowed labels; a record with another label is an error
   * @throws IOException if {@code train.jsonl} is missing or empty, or a line is invalid (the
   *     message gives file, line number and the problem)
   */
  public static DatasetSplits read(Path folder, List<String> labels) throws IOException {
    Path train = folder.resolve("train.jsonl");
    if (!Files.isRegularFile(train)) {
      throw new IOException("Dataset folder " + folder + " has no train.jsonl");
    }
    Set<String> allowed = Set.copyOf(labels);
    List<LabelledText> trainSet = readFile(train, allowed);
    if (trainSet.isEmpty()) {
      throw new IOException(train + " holds no examples");
    }
    return new DatasetSplits(
        trainSet,
        readOptional(folder.resolve("validation.jsonl"), allowed),
        readOptional(folder.resolve("test.jsonl"), allowed));
  }

  private static List<LabelledText> readOptional(Path file, Set<String> allowed)
      throws IOException {
    return Files.isRegularFile(file) ? readFile(file, allowed) : List.of();
  }

  /** Reads one JSONL file; blank lines are skipped. */
  public static List<LabelledText> readFile(Path file, Set<String> allowed) throws IOException {
    List<LabelledText> out = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw new IOException(
              file + " line " + number + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        JsonNode text = node.get("text");
        JsonNode label = node.get("label");
        if (text == null || !text.isTextual()) {
          throw new IOException(file + " line " + number + ": missing string field 'text'");
        }
        if (label == null || label.isNull()) {
          throw new IOException(file + " line " + number + ": missing field 'label'");
        }
        String labelName = label.asText();
        if (!allowed.contains(labelName)) {
          throw new IOException(
              file + " line " + number + ": label '" + labelName + "' is not one of " + allowed);
        }
        String id = node.hasNonNull("id") ? node.get("id").asText() : Integer.toString(number);
        out.add(new LabelledText(id, text.asText(), labelName));
      }
    }
    return out;
  }
}
