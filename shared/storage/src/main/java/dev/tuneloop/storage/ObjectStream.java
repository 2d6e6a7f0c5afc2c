package dev.tuneloop.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * The content of an object, streamed from the store and verified as it is read: when the end of the
 * stream is reached, its size and SHA-256 are compared with those recorded on the object, and a
 * mismatch throws an {@link IntegrityException} from the final {@code read}. A caller that stops
 * before the end gets no verification (the bytes were never all seen).
 *
 * <p>Objects written by other tools carry no recorded SHA-256; they are checked for size only, and
 * {@link #sha256()} gives the hash of what was read so the caller can record it (curation pins raw
 * uploads this way). Close the stream to release the connection.
 */
public final class ObjectStream extends InputStream {

  private final HashingInputStream in;
  private final ObjectInfo info;
  private IntegrityException failure;
  private boolean verified;

  ObjectStream(InputStream body, ObjectInfo info) {
    this.in = new HashingInputStream(Objects.requireNonNull(body, "body"));
    this.info = Objects.requireNonNull(info, "info");
  }

  /** The object's size, SHA-256, content type and metadata as the store reported them. */
  public ObjectInfo info() {
    return info;
  }

  /**
   * The SHA-256 of the content read, once the stream has been read to its end; it equals the
   * recorded one if the object has one (otherwise reading would have failed).
   */
  public Optional<String> sha256() {
    return verified ? Optional.of(in.sha256Hex()) : Optional.empty();
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      verify();
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      verify();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes are read and hashed; at the end the content is still verified.
    long skipped = in.skip(n);
    if (skipped < n && in.isEof()) {
      verify();
    }
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void verify() {
    if (failure != null) {
      throw failure;
    }
    if (verified) {
      return;
    }
    if (info.size() >= 0 && in.count() != info.size()) {
      failure =
          new IntegrityException(
              info.bucket(),
              info.key(),
              "size",
              Long.toString(info.size()),
              Long.toString(in.count()));
      throw failure;
    }
    String actual = in.sha256Hex();
    String expected = info.sha256().orElse(null);
    if (expected != null && !expected.equals(actual)) {
      failure = new IntegrityException(info.bucket(), info.key(), "sha256", expected, actual);
      throw failure;
    }
    verified = true;
  }
}
