package dev.tuneloop.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A new immutable dataset version {@code tuneloop-datasets/<dataset>/v<version>/} was written.
 *
 * <p>Producer: curation. Consumer: monitor (retraining policy), trainer (through training
 * requests). Key: the dataset.
 *
 * @param dataset the dataset
 * @param version the new version number (1, 2, ...)
 * @param manifestUri where the version's {@code manifest.json} is, e.g. {@code
 *     s3://tuneloop-datasets/spam/v2/manifest.json}
 * @param manifestSha256 hex SHA-256 of {@code manifest.json}: the version's content hash, used as
 *     lineage in model cards
 * @param labels the dataset's label set, in a stable order
 * @param batchIds the raw batches curated into this version (lineage)
 * @param train counts of the cumulative training split
 * @param validation counts of the cumulative validation split
 * @param test counts of the cumulative test split
 * @param recordsReceived records read from the batches of this version
 * @param rejectedByReason records of this version's batches that were rejected or quarantined, by
 *     reason code (e.g. {@code missing_text}, {@code label_conflict}); empty when none
 * @param mlflowRunId the MLflow run of this curation; absent when tracking was unavailable
 * @param curatedAt when the version was written
 */
public record DatasetCurated(
    String dataset,
    int version,
    String manifestUri,
    String manifestSha256,
    List<String> labels,
    List<String> batchIds,
    SplitCounts train,
    SplitCounts validation,
    SplitCounts test,
    long recordsReceived,
    Map<String, Long> rejectedByReason,
    @Nullable String mlflowRunId,
    Instant curatedAt)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.dataset.curated.v1";

  /** Kafka topic. */
  public static final String TOPIC = Topics.DATASET_CURATED;

  /**
   * Record counts of one split.
   *
   * @param records records in the split of this version (cumulative)
   * @param added records added to the split since the previous version
   * @param byLabel records in the split per label
   */
  public record SplitCounts(long records, long added, Map<String, Long> byLabel) {

    /** Checks the counts. */
    public SplitCounts {
      Require.nonNegative(records, "records");
      Require.nonNegative(added, "added");
      byLabel = Require.counts(byLabel, "byLabel");
      if (added > records) {
        throw new InvalidEventException(
            "added (" + added + ") must not exceed records (" + records + ")");
      }
    }
  }

  /** Checks every field; see the component descriptions. */
  public DatasetCurated {
    Require.name(dataset, "dataset");
    Require.positive(version, "version");
    Require.nonBlank(manifestUri, "manifestUri");
    Require.nonBlank(manifestSha256, "manifestSha256");
    labels = Require.strings(labels, "labels");
    batchIds = Require.strings(batchIds, "batchIds");
    Require.present(train, "train");
    Require.present(validation, "validation");
    Require.present(test, "test");
    Require.nonNegative(recordsReceived, "recordsReceived");
    rejectedByReason = Require.counts(rejectedByReason, "rejectedByReason");
    Require.nonBlankIfPresent(mlflowRunId, "mlflowRunId");
    Require.present(curatedAt, "curatedAt");
  }

  @Override
  public String key() {
    return dataset;
  }

  /** Records rejected or quarantined in this version's batches, over all reasons. */
  public long rejectedTotal() {
    return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
  }
}
