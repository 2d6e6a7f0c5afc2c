package dev.tuneloop.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes bytes through unchanged while computing their SHA-256 and counting them. The digest is
 * complete once the stream has been read to its end.
 */
final class HashingInputStream extends FilterInputStream {

  private final MessageDigest digest = newSha256();
  private long count;
  private boolean eof;
  private String hex;

  HashingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      eof = true;
    } else {
      digest.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      eof = true;
    } else if (n > 0) {
      digest.update(buffer, offset, n);
      count += n;
    }
    return n;
  }

  /** Reads and hashes the skipped bytes: skipping them unhashed would break the digest. */
  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (read < 0) {
        break;
      }
      skipped += read;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readLimit) {
    // Not supported: a reset would hash bytes twice.
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset is not supported by a hashing stream");
  }

  /** Bytes read so far. */
  long count() {
    return count;
  }

  /** Whether the underlying stream reported its end. */
  boolean isEof() {
    return eof;
  }

  /**
   * The lowercase hex SHA-256 of all bytes read.
   *
   * @throws IllegalStateException if the stream has not been read to its end
   */
  String sha256Hex() {
    if (!eof) {
      throw new IllegalStateException(
          "the SHA-256 is known only once the stream is read to its end");
    }
    if (hex == null) {
      hex = HexFormat.of().formatHex(digest.digest());
    }
    return hex;
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform is required to provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  static String sha256Hex(byte[] content) {
    return HexFormat.of().formatHex(newSha256().digest(content));
  }
}
