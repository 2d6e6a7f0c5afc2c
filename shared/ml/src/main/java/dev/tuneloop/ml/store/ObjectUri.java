package dev.tuneloop.ml.store;

import dev.tuneloop.storage.ObjectNames;
import java.util.Objects;

/**
 * A folder in the object store written as {@code s3://bucket/prefix/}: the form model URIs take in
 * events, MLflow and model cards.
 *
 * @param bucket the bucket
 * @param prefix the key prefix, empty or ending with {@code /}
 */
public record ObjectUri(String bucket, String prefix) {

  /** URI scheme of object-store folders. */
  public static final String SCHEME = "s3://";

  /** Checks the bucket name and normalises the prefix to end with {@code /}. */
  public ObjectUri {
    ObjectNames.requireValidBucket(bucket);
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    if (prefix.startsWith("/") || prefix.contains("//") || prefix.contains("/../")) {
      throw new IllegalArgumentException("invalid key prefix '" + prefix + "'");
    }
  }

  /**
   * Parses {@code s3://bucket/prefix} (the trailing slash is optional).
   *
   * @throws IllegalArgumentException naming the problem if the text is not such a URI
   */
  public static ObjectUri parse(String uri) {
    if (uri == null || !uri.startsWith(SCHEME)) {
      throw new IllegalArgumentException(
          "expected an object-store folder URI s3://bucket/prefix/, was '" + uri + "'");
    }
    String rest = uri.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException(
          "object-store URI '" + uri + "' names no folder; expected s3://bucket/prefix/");
    }
    return new ObjectUri(rest.substring(0, slash), rest.substring(slash + 1));
  }

  /** The folder {@code name} inside this one. */
  public ObjectUri resolve(String name) {
    ObjectNames.requireValidPrefix(name.endsWith("/") ? name : name + "/");
    return new ObjectUri(bucket, prefix + name);
  }

  /** The key of the file {@code name} inside this folder. */
  public String key(String name) {
    return prefix + name;
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + prefix;
  }
}
