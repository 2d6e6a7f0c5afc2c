package dev.tuneloop.curation.domain;

import java.util.Map;

/**
 * A record accepted into a version, as written to its split file.
 *
 * @param id the record id
 * @param text the original text
 * @param label the (consensus) label
 * @param source optional origin, or null
 * @param meta metadata (possibly empty)
 * @param split its split
 * @param hash SHA-256 of its normalized text
 */
public record CuratedRecord(
    String id,
    String text,
    String label,
    String source,
    Map<String, Object> meta,
    Split split,
    String hash) {}
