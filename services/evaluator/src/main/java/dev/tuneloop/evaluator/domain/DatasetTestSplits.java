package dev.tuneloop.evaluator.domain;

import dev.tuneloop.ml.train.DatasetSplits;
import dev.tuneloop.ml.train.LabelledText;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Test splits of curated dataset versions: {@code s3://tuneloop-datasets/<dataset>/v<N>/test.jsonl}
 * (curation's layout), one {@code {"id", "text", "label"}} per line.
 */
public final class DatasetTestSplits implements CandidateEvaluator.TestSplits {

  private final ObjectStore store;
  private final Path spool;

  /**
   * @param store the object store
   * @param spool folder for temporary copies
   */
  public DatasetTestSplits(ObjectStore store, Path spool) {
    this.store = store;
    this.spool = spool;
  }

  /** Object key of a version's test split. */
  public static String testKey(String dataset, int version) {
    return dataset + "/v" + version + "/test.jsonl";
  }

  @Override
  public Optional<List<LabelledText>> test(String dataset, int version, List<String> labels)
      throws IOException {
    String key = testKey(dataset, version);
    if (!store.exists(Buckets.DATASETS, key)) {
      return Optional.empty();
    }
    Files.createDirectories(spool);
    Path file = Files.createTempFile(spool, "test-", ".jsonl");
    try {
      store.get(Buckets.DATASETS, key, file);
      try {
        return Optional.of(DatasetSplits.readFile(file, Set.copyOf(labels)));
      } catch (IOException e) {
        // Name the object, not the temporary copy.
        throw new IOException(
            "s3://"
                + Buckets.DATASETS
                + "/"
                + key
                + ": "
                + e.getMessage().replace(file.toString(), "").trim(),
            e);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
