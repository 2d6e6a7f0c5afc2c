package dev.tuneloop.ml.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.ml.cli.Flags;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Classifies texts from standard input (one per line) with a fine-tuned model folder and prints one
 * JSON object per text: {@code {"label": ..., "probabilities": {...}}}.
 *
 * <pre>
 * java -cp ... dev.tuneloop.ml.inference.PredictCommand --model DIR [--base DIR] [--batch-size N] [--engine djl|onnxruntime] &lt; texts.txt
 * </pre>
 */
public final class PredictCommand {

  private PredictCommand() {}

  /** Entry point. */
  public static void main(String[] args) throws IOException {
    Path model;
    Path base;
    int batchSize;
    InferenceEngine engine;
    try {
      Flags flags = Flags.parse(args, Set.of("--model", "--base", "--batch-size", "--engine"));
      model = flags.requiredPath("--model");
      base = flags.path("--base");
      batchSize = flags.positiveInt("--batch-size", 32);
      String engineName = flags.value("--engine");
      engine = engineName == null ? InferenceEngine.DJL : InferenceEngine.parse(engineName);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(
          "usage: PredictCommand --model DIR [--base DIR] [--batch-size N] [--engine djl|onnxruntime]"
              + " < texts");
      System.exit(2);
      return;
    }
    List<String> texts = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        texts.add(line);
      }
    }
    ObjectMapper json = new ObjectMapper();
    try (TextClassifier classifier = TextClassifier.load(model, base, null, batchSize, engine)) {
      for (Prediction prediction : classifier.predict(texts)) {
        ObjectNode out = json.createObjectNode();
        out.put("label", prediction.label());
        ObjectNode probabilities = out.putObject("probabilities");
        prediction.probabilitiesByLabel(classifier.labels()).forEach(probabilities::put);
        System.out.println(json.writeValueAsString(out));
      }
    }
  }
}
