package dev.tuneloop.ml.onnx;

import dev.tuneloop.ml.cli.Flags;
import dev.tuneloop.ml.inference.LoadedClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Exports a tuneloop model folder (full, head or LoRA; adapters merged) to one ONNX file that ONNX
 * Runtime, Triton or KServe can serve. See {@link OnnxExporter} for the inputs and outputs.
 *
 * <pre>
 * java -cp ... dev.tuneloop.ml.onnx.ExportOnnxCommand --model DIR [--base DIR] --output model.onnx [--quantize none|int8]
 * </pre>
 */
public final class ExportOnnxCommand {

  private static final String USAGE =
      "usage: ExportOnnxCommand --model DIR [--base DIR] --output model.onnx [--quantize none|int8]\n"
          + "  --model   the fine-tuned model folder (labels.json, head.safetensors, ...)\n"
          + "  --base    the base-model folder, for head and LoRA models (no model.safetensors)\n"
          + "  --output  the ONNX file to write\n"
          + "  --quantize none (default, float32) or int8 (dynamic int8 encoder Linear layers)";

  private ExportOnnxCommand() {}

  /** Entry point; exits with status 0 on success, 1 on failure, 2 on bad arguments. */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the command.
   *
   * @return 0 on success, 1 if the export failed, 2 for bad arguments
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path model;
    Path base;
    Path output;
    Quantization quantization;
    try {
      Flags flags = Flags.parse(args, Set.of("--model", "--base", "--output", "--quantize"));
      model = flags.requiredPath("--model");
      base = flags.path("--base");
      output = flags.requiredPath("--output");
      String quantize = flags.value("--quantize");
      quantization = quantize == null ? Quantization.NONE : Quantization.parse(quantize);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try (LoadedClassifier loaded = LoadedClassifier.load(model, base, null)) {
      OnnxExporter.write(loaded.model(), loaded.labels(), loaded.maxLength(), output, quantization);
      out.printf(
          "wrote %s (%d bytes): inputs %s, %s, %s (int64 [batch, sequence]); outputs %s [batch, %d],"
              + " %s [batch, %d], %s [batch, %d]; labels %s, pooling %s, max length %d,"
              + " quantization %s%n",
          output,
          Files.size(output),
          OnnxExporter.INPUT_IDS,
          OnnxExporter.ATTENTION_MASK,
          OnnxExporter.TOKEN_TYPE_IDS,
          OnnxExporter.PROBABILITIES,
          loaded.labels().size(),
          OnnxExporter.POOLED,
          loaded.config().hiddenSize(),
          OnnxExporter.LOGITS,
          loaded.labels().size(),
          loaded.labels(),
          loaded.model().pooling().id(),
          loaded.maxLength(),
          quantization.id());
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("export failed: " + e.getMessage());
      return 1;
    }
  }
}
