package dev.tuneloop.curation.domain;

import java.io.InputStream;

/**
 * Reads a raw batch record by record, streaming: memory is bounded by the longest line, whatever
 * the batch size. Blank lines are skipped and are not records.
 */
public interface RecordReader {

  /** Encodings of a raw batch. */
  enum Format {
    /** One JSON object per line. */
    NDJSON,
    /** RFC 4180 CSV with a header row naming the columns {@code id, text, label[, source]}. */
    CSV
  }

  /** The next record or rejection, or null at the end of the batch. */
  ParseOutcome next();

  /**
   * A reader of {@code in} (not closed by the reader).
   *
   * @throws MalformedBatchException for a CSV batch whose header is missing or lacks a column
   */
  static RecordReader open(Format format, InputStream in, RecordLimits limits) {
    return switch (format) {
      case NDJSON -> new NdjsonRecordReader(in, limits);
      case CSV -> new CsvRecordReader(in, limits);
    };
  }
}
