package dev.tuneloop.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"tuneloop-raw", "tuneloop-datasets", "abc", "my.bucket-1", "a1b", "0ab"})
  void acceptsPortableBucketNames(String bucket) {
    assertThat(ObjectNames.requireValidBucket(bucket)).isEqualTo(bucket);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ab",
        "Tuneloop",
        "tuneloop_raw",
        "-abc",
        "abc-",
        "a..b",
        "192.168.1.1",
        "xn--abc",
        "sthree-abc",
        "abc-s3alias",
        "has space"
      })
  void rejectsInvalidBucketNames(String bucket) {
    assertThatThrownBy(() -> ObjectNames.requireValidBucket(bucket))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(bucket);
  }

  @Test
  void rejectsBucketNamesLongerThan63() {
    assertThatThrownBy(() -> ObjectNames.requireValidBucket("a".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 to 63");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "manifest.json",
        "spam/v1/train.jsonl",
        "models/minilm/adapter_model.safetensors",
        "date=2026-11-24/part-0001.csv",
        "a..b/file..txt",
        "x"
      })
  void acceptsPortableKeys(String key) {
    assertThat(ObjectNames.requireValidKey(key)).isEqualTo(key);
  }

  @Test
  void rejectsParentSegmentWithClearMessage() {
    assertThatThrownBy(() -> ObjectNames.requireValidKey("datasets/../secrets"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'..'");
  }

  @Test
  void rejectsLeadingSlash() {
    assertThatThrownBy(() -> ObjectNames.requireValidKey("/spam/v1/train.jsonl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not start with '/'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a//b",
        "a/./b",
        "./a",
        "a/..",
        "dir/",
        "with space",
        "back\\slash",
        "tab\there",
        "ümlaut",
        "question?mark",
        "percent%20"
      })
  void rejectsInvalidKeys(String key) {
    assertThatThrownBy(() -> ObjectNames.requireValidKey(key))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsNullKey() {
    assertThatThrownBy(() -> ObjectNames.requireValidKey(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be null");
  }

  @Test
  void enforcesTheKeyLengthLimitInBytes() {
    assertThat(ObjectNames.requireValidKey("k".repeat(1024))).hasSize(1024);
    assertThatThrownBy(() -> ObjectNames.requireValidKey("k".repeat(1025)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than 1024 bytes");
  }

  @Test
  void prefixesMayBeEmptyOrEndWithSlash() {
    assertThat(ObjectNames.requireValidPrefix("")).isEmpty();
    assertThat(ObjectNames.requireValidPrefix("spam/")).isEqualTo("spam/");
    assertThat(ObjectNames.requireValidPrefix("spam/v")).isEqualTo("spam/v");
    assertThatThrownBy(() -> ObjectNames.requireValidPrefix("/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ObjectNames.requireValidPrefix("../spam/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ObjectNames.requireValidPrefix(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validatesUserMetadata() {
    ObjectNames.requireValidMetadata(Map.of("dataset", "spam", "split-seed", "42"), "sha256");

    assertThatThrownBy(() -> ObjectNames.requireValidMetadata(Map.of("Dataset", "x"), "sha256"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lowercase");
    assertThatThrownBy(() -> ObjectNames.requireValidMetadata(Map.of("sha256", "x"), "sha256"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> ObjectNames.requireValidMetadata(Map.of("note", "a\nb"), "sha256"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("printable ASCII");

    Map<String, String> large = new LinkedHashMap<>();
    for (int i = 0; i < 30; i++) {
      large.put("key-" + i, "v".repeat(80));
    }
    assertThatThrownBy(() -> ObjectNames.requireValidMetadata(large, "sha256"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }
}
