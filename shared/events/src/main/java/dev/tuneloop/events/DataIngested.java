package dev.tuneloop.events;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A raw batch of labelled records was stored in {@code tuneloop-raw} and waits to be curated.
 *
 * <p>Producer: curation (REST upload, or its translation of a MinIO bucket notification). Consumer:
 * curation. Key: the dataset.
 *
 * @param dataset the dataset the batch belongs to
 * @param batchId the id of the raw batch (returned by the upload API; unique per dataset)
 * @param rawUri where the batch is stored, e.g. {@code s3://tuneloop-raw/spam/2026-11-24/b1.ndjson}
 * @param format how the batch is encoded
 * @param source how the batch arrived
 * @param sizeBytes size of the stored batch in bytes
 * @param recordCount records in the batch; absent when not counted yet (bucket notifications)
 * @param sha256 hex SHA-256 of the stored batch; absent when the producer did not compute it
 * @param ingestedAt when the batch was stored
 */
public record DataIngested(
    String dataset,
    String batchId,
    String rawUri,
    Format format,
    Source source,
    long sizeBytes,
    @Nullable Long recordCount,
    @Nullable String sha256,
    Instant ingestedAt)
    implements TuneloopEvent {

  /** CloudEvents type. */
  public static final String TYPE = "dev.tuneloop.data.ingested.v1";

  /** Kafka topic. */
  public static final String TOPIC = Topics.DATA_INGESTED;

  /** Encoding of a raw batch. JSON: {@code ndjson}, {@code csv}. */
  public enum Format {
    /** One JSON record per line. */
    NDJSON,
    /** Comma-separated values with a header row. */
    CSV
  }

  /** How a raw batch arrived. JSON: {@code upload}, {@code bucket_notification}. */
  public enum Source {
    /** Through the curation REST API. */
    UPLOAD,
    /** Written straight into the raw bucket by an S3 client. */
    BUCKET_NOTIFICATION
  }

  /** Checks every field; see the component descriptions. */
  public DataIngested {
    Require.name(dataset, "dataset");
    Require.name(batchId, "batchId");
    Require.nonBlank(rawUri, "rawUri");
    Require.present(format, "format");
    Require.present(source, "source");
    Require.nonNegative(sizeBytes, "sizeBytes");
    Require.nonNegativeIfPresent(recordCount, "recordCount");
    Require.nonBlankIfPresent(sha256, "sha256");
    Require.present(ingestedAt, "ingestedAt");
  }

  @Override
  public String key() {
    return dataset;
  }
}
