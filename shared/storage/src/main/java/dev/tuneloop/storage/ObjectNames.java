package dev.tuneloop.storage;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates bucket names, object keys, key prefixes and user metadata before any request is made,
 * so that a bad name fails fast with a message that says what is wrong, instead of as an S3 error
 * (or, worse, as a key that only some S3 implementations accept).
 *
 * <p>The rules are the portable subset of S3: bucket names as AWS defines them for general purpose
 * buckets; keys of at most 1024 UTF-8 bytes made of letters, digits, {@code /} and {@code
 * !-_.*'()=+,@:~}, relative (no leading {@code /}), without empty, {@code .} or {@code ..} path
 * segments. Such keys map one-to-one onto local paths, which keeps downloads and mirrors safe.
 */
public final class ObjectNames {

  /** Maximum key length in UTF-8 bytes (the S3 limit). */
  public static final int MAX_KEY_BYTES = 1024;

  /** Maximum total size of user metadata (keys and values, UTF-8 bytes; the S3 limit). */
  public static final int MAX_METADATA_BYTES = 2048;

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern KEY_CHARS = Pattern.compile("[A-Za-z0-9/!\\-_.*'()=+,@:~]*");
  private static final Pattern METADATA_KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Pattern METADATA_VALUE = Pattern.compile("[\\x20-\\x7E]*");

  private ObjectNames() {}

  /**
   * Checks a bucket name.
   *
   * @return the name, for chaining
   * @throws IllegalArgumentException if the name is not a valid portable S3 bucket name
   */
  public static String requireValidBucket(String bucket) {
    if (bucket == null) {
      throw new IllegalArgumentException("bucket name must not be null");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException(
          "invalid bucket name '"
              + bucket
              + "': use 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a"
              + " letter or digit");
    }
    if (bucket.contains("..")) {
      throw new IllegalArgumentException(
          "invalid bucket name '" + bucket + "': must not contain '..'");
    }
    if (IPV4.matcher(bucket).matches()) {
      throw new IllegalArgumentException(
          "invalid bucket name '" + bucket + "': must not look like an IP address");
    }
    if (bucket.startsWith("xn--") || bucket.startsWith("sthree-") || bucket.endsWith("-s3alias")) {
      throw new IllegalArgumentException(
          "invalid bucket name '"
              + bucket
              + "': the prefixes 'xn--', 'sthree-' and the suffix '-s3alias' are reserved by S3");
    }
    return bucket;
  }

  /**
   * Checks an object key.
   *
   * @return the key, for chaining
   * @throws IllegalArgumentException if the key is empty, too long, absolute, ends with {@code /},
   *     has an empty, {@code .} or {@code ..} segment, or a character outside the portable set
   */
  public static String requireValidKey(String key) {
    if (key == null) {
      throw new IllegalArgumentException("object key must not be null");
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException("object key must not be empty");
    }
    if (key.endsWith("/")) {
      throw new IllegalArgumentException(
          "invalid object key '" + key + "': must not end with '/' (that names a prefix)");
    }
    checkPath("object key", key);
    return key;
  }

  /**
   * Checks a key prefix for listing. The empty prefix (the whole bucket) is valid; otherwise the
   * rules of keys apply, except that a prefix may end with {@code /}.
   *
   * @return the prefix, for chaining
   * @throws IllegalArgumentException if the prefix is invalid
   */
  public static String requireValidPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("key prefix must not be null (use \"\" for all keys)");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    String path = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    if (path.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid key prefix '/': keys are relative to the bucket (use \"\" for all keys)");
    }
    checkPath("key prefix", path);
    return prefix;
  }

  /**
   * Checks user metadata: lowercase keys of letters, digits and {@code -} (S3 lowercases them
   * anyway, so mixed case would not round-trip), printable ASCII values (they travel as HTTP
   * headers), at most {@value #MAX_METADATA_BYTES} bytes in total.
   *
   * @param reservedKey a key the caller may not set (the store writes it itself)
   * @throws IllegalArgumentException if an entry is invalid or the total is too large
   */
  static void requireValidMetadata(Map<String, String> metadata, String reservedKey) {
    int total = 0;
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      String name = entry.getKey();
      String value = entry.getValue();
      if (name == null || !METADATA_KEY.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "invalid user metadata key '"
                + name
                + "': use 1 to 64 lowercase letters, digits or '-', starting with a letter or"
                + " digit");
      }
      if (name.equals(reservedKey)) {
        throw new IllegalArgumentException(
            "user metadata key '" + name + "' is reserved: the store records it on every write");
      }
      if (value == null || !METADATA_VALUE.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "invalid value for user metadata key '"
                + name
                + "': must be printable ASCII (encode other text, e.g. as Base64)");
      }
      total += name.length() + value.length();
    }
    if (total > MAX_METADATA_BYTES) {
      throw new IllegalArgumentException(
          "user metadata too large: "
              + total
              + " bytes, S3 allows "
              + MAX_METADATA_BYTES
              + "; store large attributes in a separate JSON object");
    }
  }

  private static void checkPath(String what, String path) {
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "invalid "
              + what
              + " '"
              + abbreviate(path)
              + "': longer than "
              + MAX_KEY_BYTES
              + " bytes");
    }
    if (path.startsWith("/")) {
      throw new IllegalArgumentException(
          "invalid "
              + what
              + " '"
              + path
              + "': must not start with '/' (keys are relative to the bucket)");
    }
    if (!KEY_CHARS.matcher(path).matches()) {
      throw new IllegalArgumentException(
          "invalid "
              + what
              + " '"
              + abbreviate(path)
              + "': allowed are letters, digits, '/' and !-_.*'()=+,@:~");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid " + what + " '" + path + "': must not contain an empty segment ('//')");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "invalid " + what + " '" + path + "': must not contain a '.' or '..' segment");
      }
    }
  }

  private static String abbreviate(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }
}
