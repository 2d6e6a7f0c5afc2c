package dev.tuneloop.storage;

/** The object does not exist (S3 {@code NoSuchKey}). */
public class ObjectNotFoundException extends StorageException {

  private static final long serialVersionUID = 1L;

  /**
   * @param operation the store operation that looked for the object
   * @param bucket the bucket
   * @param key the missing key
   * @param cause the client error, or null
   */
  public ObjectNotFoundException(String operation, String bucket, String key, Throwable cause) {
    super(operation, bucket, key, "no such object", cause);
  }
}
