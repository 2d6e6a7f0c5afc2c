package dev.tuneloop.storage;

/**
 * The outcome of a write.
 *
 * @param bucket the bucket
 * @param key the object key (for content-addressed writes, the key derived from the content)
 * @param size size in bytes
 * @param sha256 the lowercase hex SHA-256 of the content, as recorded on the object
 * @param etag the S3 entity tag, without quotes
 * @param created false when a write-once call found the same content already stored and wrote
 *     nothing
 */
public record PutResult(
    String bucket, String key, long size, String sha256, String etag, boolean created) {

  /** The object's address, {@code s3://bucket/key}. */
  public String uri() {
    return "s3://" + bucket + "/" + key;
  }
}
