package dev.tuneloop.ml.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.ml.lora.LoraConfig;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.tokenize.TextTokenizer;
import dev.tuneloop.ml.train.DatasetSplits;
import dev.tuneloop.ml.train.FineTuneSpec;
import dev.tuneloop.ml.train.FineTuner;
import dev.tuneloop.ml.train.LabelledText;
import dev.tuneloop.ml.train.Strategy;
import dev.tuneloop.ml.train.TrainingListener;
import dev.tuneloop.ml.train.TrainingProgress;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Times our training step on MiniLM at batch 16 and length 128 (every token real), through the
 * production loop ({@link FineTuner}): forward, loss, backward, global-norm clipping, AdamW.
 *
 * <pre>
 * java -cp ... dev.tuneloop.ml.bench.TrainingStepBenchmark full|lora [steps] [warmup]
 * </pre>
 *
 * <p>With {@code -Dbench.profile=trace.json} it also writes a Chrome trace (libtorch's profiler) of
 * the first two timed steps, to compare per-op totals with {@code torch.profiler} on the Hugging
 * Face side.
 *
 * <p>It writes the texts it used to {@code $TUNELOOP_CACHE_DIR/bench/step-texts.jsonl} so the
 * Hugging Face side ({@code shared/ml/bench/hf_train_step.py}) trains on the same batches. The last
 * line is a JSON summary with samples/s over the timed steps and the process' peak RSS.
 */
public final class TrainingStepBenchmark {

  private static final int BATCH = 16;
  private static final int LENGTH = 128;

  private TrainingStepBenchmark() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    // "lora", "full", or either with "+gc" for gradient checkpointing
    String configuration = args.length > 0 ? args[0] : "full";
    boolean checkpointing = configuration.endsWith("+gc");
    Strategy strategy =
        Strategy.parse(
            checkpointing ? configuration.substring(0, configuration.length() - 3) : configuration);
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    BaseModelFolder base = BenchmarkPaths.miniLm();
    Path texts = stepTexts(base, BATCH * (steps + warmup));
    Path dataset = Files.createTempDirectory("tuneloop-step-bench");
    Files.copy(texts, dataset.resolve("train.jsonl"));

    FineTuneSpec.Builder spec =
        FineTuneSpec.builder(
                base.directory(), dataset, dataset.resolve("out"), List.of("ham", "spam"))
            .strategy(strategy)
            .batchSize(BATCH)
            .maxLength(LENGTH)
            .epochs(1)
            .warmupRatio(0)
            .gradientCheckpointing(checkpointing)
            .seed(42);
    if (strategy == Strategy.LORA) {
      spec.learningRate(1e-3).lora(new LoraConfig(8, 16, 0.1, List.of("query", "value"), false));
    } else {
      spec.learningRate(5e-5);
    }
    double[] seconds = new double[steps + warmup];
    // -Dbench.profile=<file.json>: a Chrome trace of libtorch's ops in the first two timed steps
    String profile = System.getProperty("bench.profile");
    new FineTuner()
        .run(
            spec.build(),
            new TrainingListener() {
              @Override
              public void onProgress(TrainingProgress p) {
                seconds[p.step() - 1] = BATCH / p.samplesPerSecond();
                // called on the training thread, between steps
                if (profile != null && p.step() == warmup) {
                  JniUtils.startProfile(false, true, false);
                } else if (profile != null && p.step() == warmup + 2) {
                  JniUtils.stopProfile(profile);
                }
              }
            });
    double timed = 0;
    for (int i = warmup; i < seconds.length; i++) {
      timed += seconds[i];
    }
    double samplesPerSecond = BATCH * steps / timed;
    double rss = PeakMemory.peakRssMiB();
    System.out.printf(
        Locale.ROOT,
        "ours %s: %.2f samples/s (%.3f s/step over %d steps after %d warm-up), peak RSS %.0f MiB, threads %s%n",
        configuration,
        samplesPerSecond,
        timed / steps,
        steps,
        warmup,
        rss,
        System.getProperty("ai.djl.pytorch.num_threads", "default"));
    System.out.printf(
        Locale.ROOT,
        "{\"impl\":\"tuneloop-djl\",\"strategy\":\"%s\",\"samples_per_s\":%.3f,\"peak_rss_mib\":%.0f}%n",
        configuration,
        samplesPerSecond,
        rss);
  }

  /** The first SpamAssassin training texts that fill all 128 tokens, written once as JSONL. */
  static Path stepTexts(BaseModelFolder base, int count) throws Exception {
    Path file =
        BenchmarkPaths.cacheDir().resolve("bench").resolve("step-texts-" + count + ".jsonl");
    if (Files.isRegularFile(file)) {
      return file;
    }
    List<LabelledText> train =
        DatasetSplits.readFile(
            BenchmarkPaths.spamAssassin().resolve("train.jsonl"), Set.of("ham", "spam"));
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    try (TextTokenizer tokenizer = TextTokenizer.load(base.tokenizerFile(), LENGTH, 0)) {
      for (LabelledText text : train) {
        if (tokenizer.encode(text.text()).length() == LENGTH) {
          ObjectNode record = json.createObjectNode();
          record.put("id", text.id());
          record.put("text", text.text());
          record.put("label", text.label());
          lines.add(json.writeValueAsString(record));
          if (lines.size() == count) {
            break;
          }
        }
      }
    }
    if (lines.size() < count) {
      throw new IllegalStateException(
          "Only " + lines.size() + " texts fill " + LENGTH + " tokens; need " + count);
    }
    Files.createDirectories(file.getParent());
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (String line : lines) {
        out.write(line);
        out.newLine();
      }
    }
    return file;
  }
}
