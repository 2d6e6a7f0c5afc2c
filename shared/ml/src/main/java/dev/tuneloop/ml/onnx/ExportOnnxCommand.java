package dev.tuneloop.ml.onnx;

import dev.tuneloop.ml.inference.LoadedClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Exports a tuneloop model folder (full, head or LoRA; adapters merged) to one ONNX file that ONNX
 * Runtime, Triton or KServe can serve. See {@link OnnxExporter} for the inputs and outputs.
 *
 * <pre>
 * java -cp ... dev.tuneloop.ml.onnx.ExportOnnxCommand --model DIR [--base DIR] --output model.onnx
 * </pre>
 */
public final class ExportOnnxCommand {

  private static final String USAGE =
      "usage: ExportOnnxCommand --model DIR [--base DIR] --output model.onnx\n"
          + "  --model   the fine-tuned model folder (labels.json, head.safetensors, ...)\n"
          + "  --base    the base-model folder, for head and LoRA models (no model.safetensors)\n"
          + "  --output  the ONNX file to write";

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
    Path model = null;
    Path base = null;
    Path output = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.equals("--model") && !arg.equals("--base") && !arg.equals("--output")) {
        err.println("unknown argument " + arg);
        err.println(USAGE);
        return 2;
      }
      if (i + 1 >= args.length) {
        err.println(arg + " needs a value");
        err.println(USAGE);
        return 2;
      }
      Path value = Path.of(args[++i]);
      switch (arg) {
        case "--model" -> model = value;
        case "--base" -> base = value;
        default -> output = value;
      }
    }
    if (model == null || output == null) {
      err.println(USAGE);
      return 2;
    }
    try (LoadedClassifier loaded = LoadedClassifier.load(model, base, null)) {
      OnnxExporter.write(loaded.model(), loaded.labels(), loaded.maxLength(), output);
      out.printf(
          "wrote %s (%d bytes): inputs %s, %s, %s (int64 [batch, sequence]); outputs %s [batch, %d],"
              + " %s [batch, %d], %s [batch, %d]; labels %s, pooling %s, max length %d%n",
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
          loaded.maxLength());
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("export failed: " + e.getMessage());
      return 1;
    }
  }
}
