package dev.tuneloop.ml.bench;

import dev.tuneloop.ml.lora.LoraConfig;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.train.FineTuneResult;
import dev.tuneloop.ml.train.FineTuneSpec;
import dev.tuneloop.ml.train.FineTuner;
import dev.tuneloop.ml.train.Strategy;
import dev.tuneloop.ml.train.TrainingListener;
import dev.tuneloop.ml.train.TrainingProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Fine-tunes all-MiniLM-L6-v2 on SpamAssassin (ham vs spam) with one strategy and prints test
 * macro-F1, wall time and peak RSS. One strategy per JVM, so peak RSS belongs to that strategy:
 *
 * <pre>
 * java -cp ... dev.tuneloop.ml.bench.SpamAssassinBenchmark head|lora|full [epochs]
 * </pre>
 *
 * Settings: max length 128, batch 16, AdamW (weight decay 0.01), warm-up 10 %, linear decay,
 * clipping at 1.0, seed 42; full lr 5e-5 for 3 epochs, LoRA r 8 / alpha 16 / dropout 0.1 on query
 * and value at lr 1e-3 for 3 epochs, head lr 5e-3 for 10 epochs. The last line is a JSON summary.
 */
public final class SpamAssassinBenchmark {

  private SpamAssassinBenchmark() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: SpamAssassinBenchmark head|lora|full [epochs]"
              + " (lora: -Dbench.lora.r=16 -Dbench.lora.alpha=32 -Dbench.lora.targets=query,key,value,dense"
              + " -Dbench.lr=1e-3)");
      System.exit(2);
    }
    Strategy strategy = Strategy.parse(args[0]);
    long start = System.nanoTime();
    BaseModelFolder base = BenchmarkPaths.miniLm();
    Path data = BenchmarkPaths.spamAssassin();
    Path output = Files.createTempDirectory("tuneloop-bench-" + strategy.id());
    FineTuneSpec.Builder spec =
        FineTuneSpec.builder(base.directory(), data, output, List.of("ham", "spam"))
            .strategy(strategy)
            .batchSize(16)
            .maxLength(128)
            .evalBatchSize(64)
            .seed(42)
            .baseModelName("sentence-transformers/all-MiniLM-L6-v2");
    switch (strategy) {
      case FULL -> spec.learningRate(5e-5).epochs(3);
      case LORA ->
          spec.learningRate(Double.parseDouble(System.getProperty("bench.lr", "1e-3")))
              .epochs(3)
              .lora(
                  new LoraConfig(
                      Integer.getInteger("bench.lora.r", 16),
                      Double.parseDouble(System.getProperty("bench.lora.alpha", "32")),
                      0.1,
                      List.of(
                          System.getProperty("bench.lora.targets", "query,key,value,dense")
                              .split(",")),
                      false));
      case HEAD -> spec.learningRate(5e-3).epochs(10);
    }
    if (args.length > 1) {
      spec.epochs(Integer.parseInt(args[1]));
    }
    FineTuneResult result =
        new FineTuner()
            .run(
                spec.build(),
                new TrainingListener() {
                  @Override
                  public void onProgress(TrainingProgress p) {
                    if (p.step() % 50 == 0 || p.step() == p.totalSteps()) {
                      System.out.printf(
                          Locale.ROOT,
                          "step %d/%d epoch %.2f loss %.4f lr %.2e %.1f samples/s%n",
                          p.step(),
                          p.totalSteps(),
                          p.epoch(),
                          p.loss(),
                          p.learningRate(),
                          p.samplesPerSecond());
                    }
                  }
                });
    double seconds = (System.nanoTime() - start) / 1e9;
    double rss = PeakMemory.peakRssMiB();
    System.out.println("model written to " + output);
    System.out.printf(
        Locale.ROOT,
        "%s: test macro-F1 %.4f, accuracy %.4f (validation macro-F1 %.4f), %d steps, %.1f train samples/s,"
            + " trainable %d of %d (%.2f%%), wall %.0f s, peak RSS %.0f MiB%n",
        strategy.id(),
        result.test().macroF1(),
        result.test().accuracy(),
        result.validation().macroF1(),
        result.steps(),
        result.trainSamplesPerSecond(),
        result.trainableParameters(),
        result.totalParameters(),
        100 * result.trainableShare(),
        seconds,
        rss);
    System.out.printf(
        Locale.ROOT,
        "{\"strategy\":\"%s\",\"test_macro_f1\":%.4f,\"test_accuracy\":%.4f,\"wall_s\":%.1f,\"peak_rss_mib\":%.0f,"
            + "\"train_samples_per_s\":%.2f,\"trainable_share\":%.5f}%n",
        strategy.id(),
        result.test().macroF1(),
        result.test().accuracy(),
        seconds,
        rss,
        result.trainSamplesPerSecond(),
        result.trainableShare());
  }
}
