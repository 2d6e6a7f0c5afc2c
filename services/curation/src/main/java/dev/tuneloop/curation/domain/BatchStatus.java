package dev.tuneloop.curation.domain;

import java.time.Instant;
import java.util.Map;

/**
 * The outcome of one raw batch, readable through the batch API while and after it is curated.
 *
 * @param dataset the dataset
 * @param batchId the batch id (derived from the batch's SHA-256, so the same bytes are one batch)
 * @param state where the batch is
 * @param rawUri where the raw batch is stored
 * @param format {@code ndjson} or {@code csv}
 * @param source {@code upload} or {@code bucket_notification}
 * @param sizeBytes stored size
 * @param sha256 SHA-256 of the stored batch
 * @param receivedAt when it was stored
 * @param updatedAt when this status was written
 * @param version the version it was curated into, once {@code CURATED}
 * @param recordsReceived records read, once curated
 * @param recordsAccepted records accepted, once curated
 * @param rejectedByReason rejections by reason code, once curated
 * @param error why it failed, once {@code FAILED}
 */
public record BatchStatus(
    String dataset,
    String batchId,
    State state,
    String rawUri,
    String format,
    String source,
    long sizeBytes,
    String sha256,
    Instant receivedAt,
    Instant updatedAt,
    Integer version,
    Long recordsReceived,
    Long recordsAccepted,
    Map<String, Long> rejectedByReason,
    String error) {

  /** Lifecycle of a batch. */
  public enum State {
    /** Stored; waiting to be curated. */
    RECEIVED,
    /** Curated into {@link #version}. */
    CURATED,
    /** Could not be curated; see {@link #error}. */
    FAILED
  }

  /** This status in another state, with the time updated. */
  public BatchStatus with(
      State newState,
      Integer newVersion,
      Long received,
      Long accepted,
      Map<String, Long> byReason,
      String newError) {
    return new BatchStatus(
        dataset,
        batchId,
        newState,
        rawUri,
        format,
        source,
        sizeBytes,
        sha256,
        receivedAt,
        Instant.now(),
        newVersion,
        received,
        accepted,
        byReason,
        newError);
  }
}
