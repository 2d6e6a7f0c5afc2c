package dev.tuneloop.storage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options of a write: the content type and user metadata stored with the object.
 *
 * @param contentType the media type, e.g. {@code application/json}
 * @param userMetadata user metadata; lowercase keys of letters, digits and {@code -}, printable
 *     ASCII values, at most 2 KiB in total; the key {@code sha256} is reserved
 */
public record WriteOptions(String contentType, Map<String, String> userMetadata) {

  /** Binary content, no user metadata. */
  public static final WriteOptions DEFAULT = new WriteOptions("application/octet-stream", Map.of());

  /** Validates and copies the options. */
  public WriteOptions {
    Objects.requireNonNull(contentType, "contentType");
    if (contentType.isBlank() || !contentType.contains("/")) {
      throw new IllegalArgumentException(
          "invalid content type '" + contentType + "': expected a media type such as text/plain");
    }
    userMetadata = Map.copyOf(Objects.requireNonNull(userMetadata, "userMetadata"));
    ObjectNames.requireValidMetadata(userMetadata, ObjectStore.SHA256_METADATA);
  }

  /** Options with the given content type and no user metadata. */
  public static WriteOptions contentType(String contentType) {
    return new WriteOptions(contentType, Map.of());
  }

  /** These options plus one user metadata entry. */
  public WriteOptions withMetadata(String key, String value) {
    Map<String, String> metadata = new LinkedHashMap<>(userMetadata);
    metadata.put(key, value);
    return new WriteOptions(contentType, metadata);
  }
}
