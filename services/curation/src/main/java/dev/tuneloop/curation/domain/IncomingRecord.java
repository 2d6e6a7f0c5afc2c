package dev.tuneloop.curation.domain;

import java.util.List;
import java.util.Map;

/**
 * A syntactically valid record of a raw batch, before consensus, dedupe and splitting.
 *
 * @param line the 1-based line where it starts
 * @param id the record id
 * @param text the text as sent
 * @param label the single label, or null when {@code annotations} are given
 * @param annotations the annotators' labels (empty when {@code label} is given)
 * @param source optional origin of the record, or null
 * @param meta optional free-form metadata (JSON values as Java maps, lists, strings, numbers)
 */
public record IncomingRecord(
    long line,
    String id,
    String text,
    String label,
    List<Annotation> annotations,
    String source,
    Map<String, Object> meta) {

  /** Copies the collections. */
  public IncomingRecord {
    annotations = List.copyOf(annotations);
    meta =
        meta == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(meta));
  }
}
