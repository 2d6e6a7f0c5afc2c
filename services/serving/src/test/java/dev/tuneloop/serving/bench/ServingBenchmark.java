package dev.tuneloop.serving.bench;

import dev.tuneloop.ml.inference.InferenceEngine;
import dev.tuneloop.ml.inference.OrtOptions;
import dev.tuneloop.ml.inference.TextClassifier;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BaseModelImporter;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.onnx.Quantization;
import dev.tuneloop.ml.tiny.TinyModels;
import dev.tuneloop.ml.tokenize.TextTokenizer;
import dev.tuneloop.ml.train.FineTuneSpec;
import dev.tuneloop.ml.train.FineTuner;
import dev.tuneloop.ml.train.Strategy;
import dev.tuneloop.serving.domain.BatchModel;
import dev.tuneloop.serving.domain.BatchingSettings;
import dev.tuneloop.serving.domain.ClassifierBatchModel;
import dev.tuneloop.serving.domain.DynamicBatcher;
import dev.tuneloop.serving.domain.ModelOutput;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Serving benchmark (prints numbers; not a test): all-MiniLM-L6-v2 with a head-only classifier
 * trained here for a few steps, answered by the serving engine (the classifier as serving loads it,
 * on the configured engine: ONNX Runtime on tuneloop's own ONNX export, or DJL; behind the dynamic
 * batcher, in-process) and by ONNX Runtime (Java) on the original ONNX file, at 1, 8 and 32
 * concurrent closed-loop clients. The reference ONNX Runtime runs twice: one call per request (how
 * a plain ORT server answers) and behind our dynamic batcher with batches of up to 32 texts (how a
 * batching ORT server answers).
 *
 * <p>Arguments: {@code <work dir> [seconds per measurement] [max batch; 0: serving's default for
 * the engine] [max wait ms] [forward chunk] [forward workers; 0: serving's default] [engine:
 * onnxruntime|djl] [ORT intra-op threads] [ORT spinning] [quantization of the serving export:
 * none|int8]}. The plain ONNX Runtime references always run the original float32 MiniLM file.
 */
public final class ServingBenchmark {

  private static final String[] WORDS =
      ("the of and to in is you that it he was for on are as with his they at be this have from"
              + " or one had by word but not what all were we when your can said there use an each"
              + " which she do how their if will up other about out many then them these so some her"
              + " would make like him into time has look two more write go see number no way could"
              + " people my than first water been call who oil its now find long down day did get"
              + " come made may part free money offer click winner prize meeting project report"
              + " schedule review agenda urgent account password verify unsubscribe newsletter")
          .split(" ");

  private ServingBenchmark() {}

  /**
   * One measurement: requests per second, latency percentiles in ms, requests answered, and calls
   * that threw (not counted as answered; the client goes on).
   */
  record Result(double throughput, double p50, double p99, long requests, long errors) {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "target/bench");
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int maxWaitMs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int chunk = args.length > 4 ? Integer.parseInt(args[4]) : 16;
    InferenceEngine engine =
        InferenceEngine.parse(args.length > 6 ? args[6] : InferenceEngine.ONNXRUNTIME.id());
    int cores = Runtime.getRuntime().availableProcessors();
    // max batch and workers: 0 (or absent) takes serving's default for the engine
    BatchingSettings batching =
        BatchingSettings.forEngine(
            engine,
            positive(args, 2),
            Duration.ofMillis(maxWaitMs),
            4096,
            positive(args, 5),
            cores);
    int maxBatch = batching.maxBatchSize();
    int workers = batching.workers();
    int threads = positive(args, 7).orElse(cores);
    boolean spinning = args.length > 8 && Boolean.parseBoolean(args[8]);
    Quantization quantization = Quantization.parse(args.length > 9 ? args[9] : "none");
    // the serving engine's ONNX Runtime threads per forward pass; default as serving's
    // (cores / workers); the plain-ORT baseline keeps `threads`
    int servingThreads = positive(args, 10).orElse(Math.max(1, cores / workers));
    Files.createDirectories(work);

    Path cache = Path.of(System.getProperty("user.home"), ".cache", "tuneloop", "models");
    BaseModelFolder base =
        BaseModelImporter.importDefault(cache.resolve("all-minilm-l6-v2"), false);
    Path artifact = work.resolve("minilm-head");
    if (!Files.isRegularFile(artifact.resolve("head.safetensors"))) {
      Path data = TinyModels.dataset(work.resolve("data"), 64, 16, 16, 3);
      long start = System.nanoTime();
      new FineTuner()
          .run(
              FineTuneSpec.builder(base.directory(), data, artifact, List.of("ham", "spam"))
                  .strategy(Strategy.HEAD)
                  .epochs(5)
                  .batchSize(16)
                  .maxLength(128)
                  .seed(1)
                  .build());
      System.out.printf(
          "trained a head-only classifier on 64 synthetic texts in %.1f s%n",
          (System.nanoTime() - start) / 1e9);
    }

    List<String> texts = texts(512, new Random(42));
    byte[] onnx;
    try (InputStream in =
        ServingBenchmark.class
            .getClassLoader()
            .getResourceAsStream(BaseModelImporter.DEFAULT_ONNX_RESOURCE)) {
      onnx = in.readAllBytes();
    }
    BertConfig config = base.config();
    try (TextClassifier classifier =
            TextClassifier.load(
                artifact,
                base.directory(),
                null,
                chunk,
                engine,
                new OrtOptions(servingThreads, spinning, quantization));
        TextTokenizer tokenizer =
            TextTokenizer.load(base.tokenizerFile(), 128, config.padTokenId());
        BatchModel serving = new ClassifierBatchModel(classifier, null, null);
        BatchModel ort = new OrtBatchModel(onnx, artifact, tokenizer, threads)) {
      double meanTokens =
          tokenizer.encodeAll(texts).stream().mapToInt(t -> t.length()).average().orElse(0);
      System.out.printf(
          Locale.ROOT,
          "machine: %d cores, load average %s; texts: %d, mean %.1f tokens (max 128); engine %s,"
              + " intra-op threads %d (serving, per worker: %d)%s, quantization %s; max batch %d, max wait %d ms, forward chunk %d, forward"
              + " workers %d, %d s per measurement%n",
          Runtime.getRuntime().availableProcessors(),
          Files.readString(Path.of("/proc/loadavg")).trim(),
          texts.size(),
          meanTokens,
          engine.id(),
          threads,
          servingThreads,
          engine == InferenceEngine.ONNXRUNTIME ? (spinning ? ", spinning" : ", no spinning") : "",
          engine == InferenceEngine.ONNXRUNTIME ? quantization.id() : "n/a",
          maxBatch,
          maxWaitMs,
          chunk,
          workers,
          seconds);
      checkAgreement(
          serving,
          ort,
          texts.subList(0, 64),
          engine == InferenceEngine.ONNXRUNTIME && quantization == Quantization.INT8);

      int[] levels = {1, 8, 32};
      String[] engines = {
        "serving ("
            + engine.id()
            + (engine == InferenceEngine.ONNXRUNTIME ? " " + quantization.id() : "")
            + ", max batch "
            + maxBatch
            + ")",
        "ONNX Runtime, one call per request",
        "ONNX Runtime + batches of up to 32"
      };
      Result[][] results = new Result[engines.length][levels.length];
      for (int l = 0; l < levels.length; l++) {
        try (DynamicBatcher<String, ModelOutput> servingBatcher =
                batcher("serving", serving, maxBatch, maxWaitMs, workers);
            // the plain-ORT batching baseline batches for real (serving's former defaults: up to
            // 32 texts, 2 ms wait), on one worker: its session already uses `threads` threads
            DynamicBatcher<String, ModelOutput> ortBatcher =
                batcher("ort", ort, BatchingSettings.DJL_MAX_BATCH_SIZE, 2, 1)) {
          List<Function<String, ModelOutput>> calls =
              List.of(
                  text -> servingBatcher.submit(text).join(),
                  text -> ort.infer(List.of(text)).get(0),
                  text -> ortBatcher.submit(text).join());
          for (int e = 0; e < engines.length; e++) {
            run(calls.get(e), texts, levels[l], 2); // warm-up
            results[e][l] = run(calls.get(e), texts, levels[l], seconds);
            System.out.printf(
                Locale.ROOT,
                "%-42s clients %2d: %7.1f req/s  p50 %7.1f ms  p99 %7.1f ms  (%d requests, %d"
                    + " failed)%n",
                engines[e],
                levels[l],
                results[e][l].throughput(),
                results[e][l].p50(),
                results[e][l].p99(),
                results[e][l].requests(),
                results[e][l].errors());
            if (results[e][l].errors() > 0) {
              throw new IllegalStateException(
                  engines[e] + " failed " + results[e][l].errors() + " requests");
            }
          }
        }
      }
      System.out.println();
      System.out.println(
          "| clients | serving req/s | p50 ms | p99 ms | ORT per-request req/s | p50 | p99 |"
              + " ratio | ORT batched req/s | p50 | p99 | ratio |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
      for (int l = 0; l < levels.length; l++) {
        Result s = results[0][l];
        Result o = results[1][l];
        Result b = results[2][l];
        System.out.printf(
            Locale.ROOT,
            "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2fx | %.1f | %.1f | %.1f | %.2fx |%n",
            levels[l],
            s.throughput(),
            s.p50(),
            s.p99(),
            o.throughput(),
            o.p50(),
            o.p99(),
            s.throughput() / o.throughput(),
            b.throughput(),
            b.p50(),
            b.p99(),
            s.throughput() / b.throughput());
      }
      System.out.println(
          "load average after: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }
  }

  private static Optional<Integer> positive(String[] args, int index) {
    return args.length > index && Integer.parseInt(args[index]) > 0
        ? Optional.of(Integer.parseInt(args[index]))
        : Optional.empty();
  }

  private static DynamicBatcher<String, ModelOutput> batcher(
      String name, BatchModel model, int maxBatch, int maxWaitMs, int workers) {
    return new DynamicBatcher<>(
        name, model::infer, maxBatch, Duration.ofMillis(maxWaitMs), 4096, workers, size -> {});
  }

  /**
   * Both engines must compute the same function, or the comparison means nothing: float32 within
   * 1e-3; int8 (an approximation of it) within 0.1 and the same label on at least 95% of the texts.
   */
  private static void checkAgreement(
      BatchModel serving, BatchModel ort, List<String> texts, boolean int8) {
    List<ModelOutput> a = serving.infer(texts);
    List<ModelOutput> b = ort.infer(texts);
    double maxDiff = 0;
    int sameLabel = 0;
    for (int i = 0; i < texts.size(); i++) {
      for (int l = 0; l < a.get(i).probabilities().length; l++) {
        maxDiff =
            Math.max(maxDiff, Math.abs(a.get(i).probabilities()[l] - b.get(i).probabilities()[l]));
      }
      sameLabel += a.get(i).label().equals(b.get(i).label()) ? 1 : 0;
    }
    System.out.printf(
        Locale.ROOT,
        "engines agree: same label on %d/%d texts, max probability difference %.2g%n",
        sameLabel,
        texts.size(),
        maxDiff);
    if (int8 ? maxDiff > 0.1 || sameLabel < 0.95 * texts.size() : maxDiff > 1e-3) {
      throw new IllegalStateException("the engines disagree; fix that before comparing speed");
    }
  }

  /** Runs {@code clients} closed-loop clients calling {@code call} for {@code seconds}. */
  static Result run(Function<String, ?> call, List<String> texts, int clients, int seconds)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong errors = new AtomicLong();
    List<long[]> latencies = new ArrayList<>();
    long[] counts = new long[clients];
    CountDownLatch done = new CountDownLatch(clients);
    List<Thread> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      long[] mine = new long[2_000_000];
      latencies.add(mine);
      Thread t =
          new Thread(
              () -> {
                int i = client * 7;
                int n = 0;
                while (!stop.get() && n < mine.length) {
                  String text = texts.get(i++ % texts.size());
                  long start = System.nanoTime();
                  try {
                    call.apply(text);
                  } catch (RuntimeException e) {
                    if (errors.getAndIncrement() < 5) {
                      System.err.println("request failed: " + e);
                    }
                    continue;
                  }
                  mine[n++] = System.nanoTime() - start;
                }
                counts[client] = n;
                done.countDown();
              });
      workers.add(t);
    }
    long start = System.nanoTime();
    workers.forEach(Thread::start);
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    done.await(60, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    long total = Arrays.stream(counts).sum();
    long[] all = new long[(int) total];
    int k = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies.get(c), 0, all, k, (int) counts[c]);
      k += (int) counts[c];
    }
    Arrays.sort(all);
    return new Result(
        total / elapsed,
        all.length == 0 ? 0 : all[(int) (all.length * 0.50)] / 1e6,
        all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6,
        total,
        errors.get());
  }

  /** The benchmark's texts: 5-110 words from a small vocabulary, up to the 128-token limit. */
  static List<String> texts(int count, Random random) {
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int words = 5 + random.nextInt(106); // 5..110 words: up to the 128-token limit
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < words; w++) {
        if (w > 0) {
          text.append(' ');
        }
        text.append(WORDS[random.nextInt(WORDS.length)]);
      }
      out.add(text.toString());
    }
    return out;
  }
}
