package dev.tuneloop.storage;

/**
 * The content read from the store does not match the SHA-256 (or the size) recorded when it was
 * written: the object was overwritten by another tool without updating its hash, or it is
 * corrupted. Retrying does not help; restore or re-upload the object.
 */
public class IntegrityException extends StorageException {

  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String actual;

  /**
   * @param bucket the bucket
   * @param key the object key
   * @param what which property was checked, e.g. {@code sha256} or {@code size}
   * @param expected the recorded value
   * @param actual the value of the content that was read
   */
  public IntegrityException(
      String bucket, String key, String what, String expected, String actual) {
    super(
        "verify",
        bucket,
        key,
        "integrity check failed: recorded "
            + what
            + " "
            + expected
            + " but the content read has "
            + what
            + " "
            + actual
            + " (the object was modified outside tuneloop or is corrupted; restore or re-upload"
            + " it)",
        null);
    this.expected = expected;
    this.actual = actual;
  }

  /** The value recorded at write time. */
  public String expected() {
    return expected;
  }

  /** The value of the content actually read. */
  public String actual() {
    return actual;
  }
}
