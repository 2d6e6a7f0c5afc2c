package dev.tuneloop.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObjectStreamTest {

  private static final byte[] CONTENT = "hello, tuneloop\n".getBytes(StandardCharsets.UTF_8);
  // printf 'hello, tuneloop\n' | sha256sum
  private static final String CONTENT_SHA256 =
      "991197a06822a6fa53067aae381b74fbe634eea9c3166f0bc7f7ad6e972e8ffb";

  private static ObjectInfo info(long size, String sha256) {
    return new ObjectInfo(
        "tuneloop-raw",
        "a/b.txt",
        size,
        "etag",
        Optional.ofNullable(sha256),
        "text/plain",
        Instant.EPOCH,
        Map.of());
  }

  private static ObjectStream stream(byte[] content, long size, String sha256) {
    return new ObjectStream(new ByteArrayInputStream(content), info(size, sha256));
  }

  @Test
  void hashingStreamComputesSha256OfWhatPassesThrough() throws IOException {
    try (HashingInputStream in = new HashingInputStream(new ByteArrayInputStream(CONTENT))) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
      assertThat(in.count()).isEqualTo(CONTENT.length);
      assertThat(in.sha256Hex()).isEqualTo(CONTENT_SHA256);
    }
    // Known vector: SHA-256 of the empty input.
    assertThat(HashingInputStream.sha256Hex(new byte[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void hashingStreamHashesSkippedBytes() throws IOException {
    try (HashingInputStream in = new HashingInputStream(new ByteArrayInputStream(CONTENT))) {
      assertThat(in.skip(5)).isEqualTo(5);
      in.readAllBytes();
      assertThat(in.sha256Hex()).isEqualTo(HashingInputStream.sha256Hex(CONTENT));
    }
  }

  @Test
  void hashIsUnavailableBeforeTheEnd() throws IOException {
    try (HashingInputStream in = new HashingInputStream(new ByteArrayInputStream(CONTENT))) {
      in.read(new byte[4]);
      assertThatThrownBy(in::sha256Hex).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void matchingContentReadsThroughAndReportsItsHash() throws IOException {
    String sha256 = HashingInputStream.sha256Hex(CONTENT);
    try (ObjectStream in = stream(CONTENT, CONTENT.length, sha256)) {
      assertThat(in.sha256()).isEmpty();
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
      assertThat(in.sha256()).contains(sha256);
    }
  }

  @Test
  void mismatchingContentFailsAtTheEndWithBothHashes() throws IOException {
    byte[] tampered = "hello, tampered\n".getBytes(StandardCharsets.UTF_8);
    String recorded = HashingInputStream.sha256Hex(CONTENT);
    try (ObjectStream in = stream(tampered, tampered.length, recorded)) {
      byte[] buffer = new byte[4];
      assertThat(in.read(buffer)).isEqualTo(4);

      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(
              IntegrityException.class,
              e -> {
                assertThat(e.bucket()).isEqualTo("tuneloop-raw");
                assertThat(e.key()).isEqualTo("a/b.txt");
                assertThat(e.expected()).isEqualTo(recorded);
                assertThat(e.actual()).isEqualTo(HashingInputStream.sha256Hex(tampered));
              })
          .hasMessageContaining("s3://tuneloop-raw/a/b.txt")
          .hasMessageContaining(recorded);
      // Reading on after the failure does not pretend the content is fine.
      assertThatThrownBy(in::read).isInstanceOf(IntegrityException.class);
      assertThat(in.sha256()).isEmpty();
    }
  }

  @Test
  void truncatedContentFailsOnSize() throws IOException {
    try (ObjectStream in = stream(CONTENT, CONTENT.length + 10, null)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(IntegrityException.class)
          .hasMessageContaining("size");
    }
  }

  @Test
  void objectsWithoutRecordedHashAreReadAndHashed() throws IOException {
    try (ObjectStream in = stream(CONTENT, CONTENT.length, null)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      assertThat(in.sha256()).contains(HashingInputStream.sha256Hex(CONTENT));
    }
  }

  @Test
  void singleByteReadsVerifyToo() throws IOException {
    String wrong = "0".repeat(64);
    try (InputStream in = stream(CONTENT, CONTENT.length, wrong)) {
      for (int i = 0; i < CONTENT.length; i++) {
        assertThat(in.read()).isEqualTo(CONTENT[i] & 0xff);
      }
      assertThatThrownBy(in::read).isInstanceOf(IntegrityException.class);
    }
  }
}
