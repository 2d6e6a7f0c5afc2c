package dev.tuneloop.curation.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A dataset version's {@code manifest.json}.
 *
 * @param dataset the dataset
 * @param version this version
 * @param previousVersion the version it extends, or null for v1
 * @param createdAt when it was written
 * @param labels the label set
 * @param splits per split: cumulative and added counts, per label, object key and SHA-256
 * @param recordsReceived records read from this version's batches
 * @param recordsAccepted records accepted from them ({@code received = accepted + rejected})
 * @param rejectedTotal records rejected or quarantined
 * @param rejectedByReason rejections by reason code
 * @param duplicates exact/near duplicates and conflicts per split of the record they duplicate
 * @param agreement inter-annotator agreement of this version's batches
 * @param batches the raw batches curated into this version
 * @param lineage every batch id of this and all earlier versions, oldest first
 * @param rejected {@code rejected.jsonl}: key and SHA-256
 * @param settings the curation settings used
 */
public record Manifest(
    String dataset,
    int version,
    Integer previousVersion,
    Instant createdAt,
    List<String> labels,
    Map<String, SplitSummary> splits,
    long recordsReceived,
    long recordsAccepted,
    long rejectedTotal,
    Map<String, Long> rejectedByReason,
    Map<String, DuplicateCounts> duplicates,
    AgreementStatistics.Report agreement,
    List<BatchLineage> batches,
    List<String> lineage,
    FileRef rejected,
    Map<String, Object> settings) {

  /**
   * One split of a version.
   *
   * @param records records in the split (cumulative)
   * @param added records added by this version
   * @param byLabel records per label (cumulative)
   * @param addedByLabel records added per label
   * @param file the split's object and content hash
   */
  public record SplitSummary(
      long records,
      long added,
      Map<String, Long> byLabel,
      Map<String, Long> addedByLabel,
      FileRef file) {}

  /**
   * An object of the version.
   *
   * @param key object key in {@code tuneloop-datasets}
   * @param sha256 SHA-256 of its content
   * @param sizeBytes its size
   */
  public record FileRef(String key, String sha256, long sizeBytes) {}

  /**
   * A raw batch behind a version.
   *
   * @param batchId the batch id
   * @param rawUri where the raw batch is
   * @param sha256 its SHA-256
   * @param source how it arrived
   * @param received records read
   * @param accepted records accepted
   */
  public record BatchLineage(
      String batchId, String rawUri, String sha256, String source, long received, long accepted) {}
}
