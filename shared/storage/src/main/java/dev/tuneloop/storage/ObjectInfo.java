package dev.tuneloop.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the store knows about one object.
 *
 * @param bucket the bucket
 * @param key the object key
 * @param size size in bytes
 * @param etag the S3 entity tag, without quotes (for multipart uploads it is not a content hash)
 * @param sha256 the lowercase hex SHA-256 recorded when tuneloop wrote the object; empty for
 *     objects written by other tools
 * @param contentType the media type, e.g. {@code application/json}
 * @param lastModified when the object was last written
 * @param userMetadata the caller's user metadata (lowercase keys, without the {@code sha256} entry)
 */
public record ObjectInfo(
    String bucket,
    String key,
    long size,
    String etag,
    Optional<String> sha256,
    String contentType,
    Instant lastModified,
    Map<String, String> userMetadata) {

  /** Copies the metadata map so the record stays immutable. */
  public ObjectInfo {
    userMetadata = Map.copyOf(userMetadata);
  }
}
