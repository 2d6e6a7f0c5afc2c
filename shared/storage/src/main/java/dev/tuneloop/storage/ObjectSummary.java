package dev.tuneloop.storage;

import java.time.Instant;

/**
 * One entry of a listing. Listings do not carry user metadata or the recorded SHA-256; use {@link
 * ObjectStore#stat} for those.
 *
 * @param bucket the bucket
 * @param key the object key
 * @param size size in bytes
 * @param etag the S3 entity tag, without quotes
 * @param lastModified when the object was last written
 */
public record ObjectSummary(
    String bucket, String key, long size, String etag, Instant lastModified) {}
