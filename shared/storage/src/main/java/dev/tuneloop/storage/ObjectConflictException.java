package dev.tuneloop.storage;

/**
 * A write-once object already exists with different content. Immutable paths (dataset versions,
 * content-addressed blobs) are never overwritten; write the new content under a new key (e.g. the
 * next version) instead.
 */
public class ObjectConflictException extends StorageException {

  private static final long serialVersionUID = 1L;

  private final String existingSha256;
  private final String newSha256;

  /**
   * @param bucket the bucket
   * @param key the existing key
   * @param existingSha256 the SHA-256 recorded on the existing object, or null if it has none
   * @param newSha256 the SHA-256 of the content that was refused
   */
  public ObjectConflictException(
      String bucket, String key, String existingSha256, String newSha256) {
    super(
        "putIfAbsent",
        bucket,
        key,
        "an immutable object already exists with different content (existing sha256 "
            + (existingSha256 == null ? "not recorded" : existingSha256)
            + ", new sha256 "
            + newSha256
            + "); write it under a new key instead",
        null);
    this.existingSha256 = existingSha256;
    this.newSha256 = newSha256;
  }

  /** The SHA-256 recorded on the existing object, or null if it has none. */
  public String existingSha256() {
    return existingSha256;
  }

  /** The SHA-256 of the refused content. */
  public String newSha256() {
    return newSha256;
  }
}
