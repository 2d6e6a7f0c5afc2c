package dev.tuneloop.ml.inference;

import dev.tuneloop.ml.cli.Flags;
import dev.tuneloop.ml.metrics.ClassificationMetrics;
import dev.tuneloop.ml.onnx.Quantization;
import dev.tuneloop.ml.train.DatasetSplits;
import dev.tuneloop.ml.train.LabelledText;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Scores a labelled JSONL split ({@code {"text": ..., "label": ...}} per line) with a model folder
 * on ONNX Runtime twice, float32 and int8 ({@link Quantization}), and prints the macro-F1 and
 * accuracy of each, the label agreement, the largest probability difference and the forward time
 * per text of each.
 *
 * <pre>
 * java -cp ... dev.tuneloop.ml.inference.QuantizationReportCommand --model DIR [--base DIR] --data test.jsonl [--threads N] [--batch-size N]
 * </pre>
 */
public final class QuantizationReportCommand {

  private static final String USAGE =
      "usage: QuantizationReportCommand --model DIR [--base DIR] --data split.jsonl [--threads N]"
          + " [--batch-size N]";

  private QuantizationReportCommand() {}

  /** Entry point; exits with status 1 on failure, 2 on bad arguments. */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the comparison.
   *
   * @return 0 on success, 1 if loading or scoring failed, 2 for bad arguments
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path model;
    Path base;
    Path data;
    int threads;
    int batchSize;
    try {
      Flags flags =
          Flags.parse(args, Set.of("--model", "--base", "--data", "--threads", "--batch-size"));
      model = flags.requiredPath("--model");
      base = flags.path("--base");
      data = flags.requiredPath("--data");
      threads = flags.positiveInt("--threads", 1);
      batchSize = flags.positiveInt("--batch-size", 16);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      Scored fp32;
      Scored int8;
      List<String> texts;
      List<String> trueLabels;
      try (TextClassifier f = load(model, base, batchSize, threads, Quantization.NONE);
          TextClassifier q = load(model, base, batchSize, threads, Quantization.INT8)) {
        // the split's labels must be the model's (the trainer's reader says where one is not)
        List<LabelledText> rows = DatasetSplits.readFile(data, Set.copyOf(f.labels()));
        if (rows.isEmpty()) {
          throw new IOException(data + " has no labelled texts");
        }
        texts = rows.stream().map(LabelledText::text).toList();
        trueLabels = rows.stream().map(LabelledText::label).toList();
        // speed: alternating timed passes over the same texts (the machine's load changes), best
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        List<String> timed = texts.subList(0, Math.min(128, texts.size()));
        f.predict(timed.subList(0, Math.min(16, timed.size()))); // warm-up
        q.predict(timed.subList(0, Math.min(16, timed.size())));
        for (int round = 0; round < 3; round++) {
          best[0] = Math.min(best[0], millisPerText(f, timed));
          best[1] = Math.min(best[1], millisPerText(q, timed));
        }
        fp32 = score(f, texts, best[0]);
        int8 = score(q, texts, best[1]);
      }
      List<String> labels = fp32.labels;
      int[] truth = new int[texts.size()];
      for (int i = 0; i < truth.length; i++) {
        truth[i] = labels.indexOf(trueLabels.get(i));
      }
      ClassificationMetrics m32 = ClassificationMetrics.compute(labels, truth, fp32.probabilities);
      ClassificationMetrics m8 = ClassificationMetrics.compute(labels, truth, int8.probabilities);
      int agree = 0;
      float maxDiff = 0;
      double sumDiff = 0;
      for (int i = 0; i < texts.size(); i++) {
        if (ClassificationMetrics.argMax(fp32.probabilities[i])
            == ClassificationMetrics.argMax(int8.probabilities[i])) {
          agree++;
        }
        float d = 0;
        for (int l = 0; l < labels.size(); l++) {
          d = Math.max(d, Math.abs(fp32.probabilities[i][l] - int8.probabilities[i][l]));
        }
        maxDiff = Math.max(maxDiff, d);
        sumDiff += d;
      }
      out.printf(
          Locale.ROOT,
          "%d texts from %s, ONNX Runtime %d thread(s), batch %d; ms/text: best of 3"
              + " alternating passes over the first 128 texts%n"
              + "fp32: macro-F1 %.4f accuracy %.4f, %.2f ms/text%n"
              + "int8: macro-F1 %.4f accuracy %.4f, %.2f ms/text%n"
              + "labels agree %d/%d (%.2f%%); |p_int8 - p_fp32| max %.4f, mean %.5f%n",
          texts.size(),
          data,
          threads,
          batchSize,
          m32.macroF1(),
          m32.accuracy(),
          fp32.millisPerText,
          m8.macroF1(),
          m8.accuracy(),
          int8.millisPerText,
          agree,
          texts.size(),
          100.0 * agree / texts.size(),
          maxDiff,
          sumDiff / texts.size());
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("quantization report failed: " + e.getMessage());
      return 1;
    }
  }

  private record Scored(List<String> labels, float[][] probabilities, double millisPerText) {}

  private static TextClassifier load(
      Path model, Path base, int batchSize, int threads, Quantization quantization)
      throws IOException {
    return TextClassifier.load(
        model,
        base,
        null,
        batchSize,
        InferenceEngine.ONNXRUNTIME,
        new OrtOptions(threads, false, quantization));
  }

  private static double millisPerText(TextClassifier classifier, List<String> texts) {
    long start = System.nanoTime();
    classifier.predict(texts);
    return (System.nanoTime() - start) / 1e6 / texts.size();
  }

  private static Scored score(TextClassifier classifier, List<String> texts, double millisPerText) {
    List<Prediction> predictions = classifier.predict(texts);
    float[][] probabilities = new float[texts.size()][];
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] = predictions.get(i).probabilities();
    }
    return new Scored(classifier.labels(), probabilities, millisPerText);
  }
}
