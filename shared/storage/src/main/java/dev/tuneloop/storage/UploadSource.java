package dev.tuneloop.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.jboss.logging.Logger;

/**
 * Content ready to upload: its size and SHA-256 are known before the first byte is sent, because S3
 * takes user metadata (where the hash goes) only with the request that starts the upload. The
 * content can also be sent again, which is what makes a failed upload retryable.
 */
sealed interface UploadSource extends AutoCloseable {

  /** Size in bytes. */
  long size();

  /** Lowercase hex SHA-256. */
  String sha256();

  /** Releases what the source holds (deletes a spool file). Never fails. */
  @Override
  void close();

  /** Content held in memory (the caller's byte array, or a short stream). */
  record Bytes(byte[] content, String sha256) implements UploadSource {
    @Override
    public long size() {
      return content.length;
    }

    @Override
    public void close() {}
  }

  /**
   * Content in a local file: the caller's file, or a spool file that this source owns and deletes.
   */
  record LocalFile(Path path, long size, String sha256, FileTime lastModified, boolean temporary)
      implements UploadSource {

    /** Whether the file still has the size and modification time it had when it was hashed. */
    boolean unchanged() throws IOException {
      return Files.size(path) == size && Files.getLastModifiedTime(path).equals(lastModified);
    }

    @Override
    public void close() {
      if (temporary) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          Logger.getLogger(UploadSource.class)
              .warnf(e, "Could not delete the upload spool file %s; delete it by hand", path);
        }
      }
    }
  }

  /** Wraps bytes the caller already holds. */
  static UploadSource ofBytes(byte[] content) {
    return new Bytes(content, HashingInputStream.sha256Hex(content));
  }

  /**
   * Hashes a local file, remembering its size and modification time so that a change during the
   * upload can be detected afterwards.
   */
  static UploadSource ofFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("not a readable regular file: " + file);
    }
    long size = Files.size(file);
    FileTime lastModified = Files.getLastModifiedTime(file);
    try (HashingInputStream in = new HashingInputStream(Files.newInputStream(file))) {
      in.transferTo(OutputStream.nullOutputStream());
      return new LocalFile(file, size, in.sha256Hex(), lastModified, false);
    }
  }

  /**
   * Reads a stream of unknown size to its end. Up to {@code memoryLimit} bytes stay in memory;
   * longer content is spooled to a temporary file in {@code spoolDirectory}, hashed on the way.
   *
   * <p>Why spool rather than upload while hashing and fix the metadata afterwards with a
   * server-side copy: the copy rewrites the whole object on the server (twice the write I/O, and
   * CopyObject is limited to 5 GiB in one request), the object is visible without its hash until
   * the copy lands (a crash in between leaves it unverifiable, and write-once checks cannot compare
   * it), and a one-shot stream cannot be re-sent when the upload fails. Spooling costs local disk
   * equal to the object's size, in exchange for an upload that is atomic with its hash, retryable,
   * and plain S3 on every store.
   */
  static UploadSource spool(InputStream content, Path spoolDirectory, int memoryLimit)
      throws IOException {
    HashingInputStream in = new HashingInputStream(content);
    // One byte more than the limit tells "exactly at the limit" apart from "longer".
    byte[] head = in.readNBytes(memoryLimit + 1);
    if (head.length <= memoryLimit) {
      // readNBytes returns short only at the end of the stream, so the digest is complete.
      return new Bytes(head, in.sha256Hex());
    }
    Files.createDirectories(spoolDirectory);
    // createTempFile makes the file readable by its owner only: the content may be sensitive.
    Path file = Files.createTempFile(spoolDirectory, "tuneloop-upload-", ".spool");
    try {
      try (OutputStream out = Files.newOutputStream(file)) {
        out.write(head);
        in.transferTo(out);
      }
      return new LocalFile(file, in.count(), in.sha256Hex(), Files.getLastModifiedTime(file), true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }
}
