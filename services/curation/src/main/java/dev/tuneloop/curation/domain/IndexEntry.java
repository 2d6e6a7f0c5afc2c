package dev.tuneloop.curation.domain;

/**
 * A record kept in some version, as the cross-version index remembers it.
 *
 * @param id the record id
 * @param hash SHA-256 of the normalized text
 * @param label its label
 * @param split the split it is in (forever)
 * @param group its group key value, or null
 * @param normalized its normalized text (to confirm near-duplicate candidates by true Jaccard)
 * @param version the version that added it
 */
public record IndexEntry(
    String id,
    String hash,
    String label,
    Split split,
    String group,
    String normalized,
    int version) {}
