package dev.tuneloop.curation.domain;

import dev.tuneloop.events.DataIngested;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.PutResult;
import dev.tuneloop.storage.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Stores an uploaded batch in {@code tuneloop-raw} before anything else, then announces it on
 * {@code tuneloop.data.ingested}. The body is streamed to a spool file while it is hashed (never
 * held in memory), so the batch id can be derived from the content: the same bytes uploaded twice
 * are the same batch, and curation makes one version of them.
 */
public final class BatchIngestor {

  /**
   * User metadata on raw objects written here, so their bucket notification is not re-announced.
   */
  public static final String BATCH_ID_METADATA = "tuneloop-batch-id";

  /** Event source of the events published here. */
  public static final String SOURCE = "tuneloop/curation";

  /**
   * A stored batch.
   *
   * @param batchId its id
   * @param rawUri where it is stored
   * @param sizeBytes its size
   * @param sha256 its SHA-256
   */
  public record StoredBatch(String batchId, String rawUri, long sizeBytes, String sha256) {}

  private final ObjectStore store;
  private final DatasetRepository repository;
  private final Path spool;
  private final long maxBytes;
  private final Consumer<EventEnvelope<DataIngested>> publisher;

  /** An ingestor writing into {@code store}, announcing through {@code publisher}. */
  public BatchIngestor(
      ObjectStore store,
      DatasetRepository repository,
      Path spool,
      long maxBytes,
      Consumer<EventEnvelope<DataIngested>> publisher) {
    this.store = store;
    this.repository = repository;
    this.spool = spool;
    this.maxBytes = maxBytes;
    this.publisher = publisher;
  }

  /** The batch id of content with this SHA-256. */
  public static String batchId(String sha256) {
    return "b-" + sha256.substring(0, 32);
  }

  /**
   * Stores and announces a batch.
   *
   * @throws UploadTooLargeException if the body is larger than the limit
   * @throws MalformedBatchException if the body is empty or a CSV body has no usable header
   */
  public StoredBatch ingest(String dataset, RecordReader.Format format, InputStream body) {
    Path file = null;
    try {
      Files.createDirectories(spool);
      file = Files.createTempFile(spool, "upload-", ".batch");
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      long size = 0;
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = body.read(buffer)) >= 0; ) {
          size += n;
          if (size > maxBytes) {
            throw new UploadTooLargeException(maxBytes);
          }
          out.write(buffer, 0, n);
        }
      }
      if (size == 0) {
        throw new MalformedBatchException("the upload is empty: send NDJSON lines or CSV rows");
      }
      if (format == RecordReader.Format.CSV) {
        try (InputStream in = Files.newInputStream(file)) {
          RecordReader.open(format, in, RecordLimits.DEFAULT); // checks the header row
        }
      }
      String sha256 = HexFormat.of().formatHex(digest.digest());
      String batchId = batchId(sha256);
      String extension = format == RecordReader.Format.CSV ? "csv" : "ndjson";
      PutResult put =
          store.putIfAbsent(
              Buckets.RAW,
              dataset + "/uploads/" + batchId + "." + extension,
              file,
              WriteOptions.contentType(
                      format == RecordReader.Format.CSV ? "text/csv" : "application/x-ndjson")
                  .withMetadata(BATCH_ID_METADATA, batchId));
      DataIngested event =
          new DataIngested(
              dataset,
              batchId,
              put.uri(),
              DataIngested.Format.valueOf(format.name()),
              DataIngested.Source.UPLOAD,
              size,
              null,
              sha256,
              Instant.now());
      if (repository.batchStatus(dataset, batchId).isEmpty()) {
        repository.saveBatchStatus(CurationPipeline.received(event));
      }
      publisher.accept(EventEnvelope.startLoop(event, SOURCE));
      return new StoredBatch(batchId, put.uri(), size, sha256);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool the upload to " + spool, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          System.getLogger(BatchIngestor.class.getName())
              .log(System.Logger.Level.WARNING, "cannot delete spool file " + file, e);
        }
      }
    }
  }

  /** The format of a raw object, by its name: {@code .csv} is CSV, anything else NDJSON. */
  public static RecordReader.Format formatOf(String key) {
    return key.toLowerCase(Locale.ROOT).endsWith(".csv")
        ? RecordReader.Format.CSV
        : RecordReader.Format.NDJSON;
  }
}
