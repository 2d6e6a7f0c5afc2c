package dev.tuneloop.ml.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    Path model = null;
    Path base = null;
    int batchSize = 32;
    InferenceEngine engine = InferenceEngine.DJL;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--model" -> model = Path.of(args[++i]);
        case "--base" -> base = Path.of(args[++i]);
        case "--batch-size" -> batchSize = Integer.parseInt(args[++i]);
        case "--engine" -> engine = InferenceEngine.parse(args[++i]);
        default -> {
          System.err.println("Unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    if (model == null) {
      System.err.println(
          "usage: PredictCommand --model DIR [--base DIR] [--batch-size N] [--engine djl|onnxruntime]"
              + " < texts");
      System.exit(2);
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
