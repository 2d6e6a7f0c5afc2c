package dev.tuneloop.storage;

/**
 * A storage operation failed. The message names the operation, the object ({@code s3://bucket/key})
 * and what went wrong; the cause is the underlying client or I/O error.
 */
public class StorageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String operation;
  private final String bucket;
  private final String key;

  /**
   * @param operation the store operation, e.g. {@code put}, {@code get}, {@code ensureBuckets}
   * @param bucket the bucket, or null when the operation is not about one bucket
   * @param key the object key, or null when the operation is not about one object
   * @param detail what went wrong and, where possible, what to do about it
   * @param cause the underlying error, or null
   */
  public StorageException(
      String operation, String bucket, String key, String detail, Throwable cause) {
    super(describe(operation, bucket, key) + ": " + detail, cause);
    this.operation = operation;
    this.bucket = bucket;
    this.key = key;
  }

  /** The store operation that failed, e.g. {@code put}. */
  public String operation() {
    return operation;
  }

  /** The bucket concerned, or null. */
  public String bucket() {
    return bucket;
  }

  /** The object key concerned, or null. */
  public String key() {
    return key;
  }

  static String location(String bucket, String key) {
    if (bucket == null) {
      return "the object store";
    }
    return "s3://" + bucket + "/" + (key == null ? "" : key);
  }

  private static String describe(String operation, String bucket, String key) {
    return operation + " " + location(bucket, key) + " failed";
  }
}
