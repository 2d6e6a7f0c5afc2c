package dev.tuneloop.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadSourceTest {

  @TempDir Path spool;

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void shortStreamsStayInMemory() throws IOException {
    byte[] content = randomBytes(1000);

    try (UploadSource source = UploadSource.spool(new ByteArrayInputStream(content), spool, 1000)) {
      assertThat(source).isInstanceOf(UploadSource.Bytes.class);
      assertThat(((UploadSource.Bytes) source).content()).isEqualTo(content);
      assertThat(source.size()).isEqualTo(1000);
      assertThat(source.sha256()).isEqualTo(HashingInputStream.sha256Hex(content));
    }
    assertThat(fileCount(spool)).isZero();
  }

  @Test
  void longStreamsAreSpooledHashedAndDeletedOnClose() throws IOException {
    byte[] content = randomBytes(1001);
    Path spoolFile;

    try (UploadSource source = UploadSource.spool(new ByteArrayInputStream(content), spool, 1000)) {
      assertThat(source).isInstanceOf(UploadSource.LocalFile.class);
      UploadSource.LocalFile file = (UploadSource.LocalFile) source;
      spoolFile = file.path();
      assertThat(file.temporary()).isTrue();
      assertThat(spoolFile.getParent()).isEqualTo(spool);
      assertThat(Files.readAllBytes(spoolFile)).isEqualTo(content);
      assertThat(source.size()).isEqualTo(1001);
      assertThat(source.sha256()).isEqualTo(HashingInputStream.sha256Hex(content));
    }
    assertThat(spoolFile).doesNotExist();
  }

  @Test
  void aFailingStreamLeavesNoSpoolFile() throws IOException {
    InputStream failing =
        new InputStream() {
          private int served;

          @Override
          public int read() throws IOException {
            if (served++ > 5000) {
              throw new IOException("client went away");
            }
            return 7;
          }
        };

    assertThatThrownBy(() -> UploadSource.spool(failing, spool, 1000))
        .isInstanceOf(IOException.class)
        .hasMessage("client went away");
    assertThat(fileCount(spool)).isZero();
  }

  @Test
  void callerFilesAreHashedNotOwned() throws IOException {
    byte[] content = randomBytes(4096);
    Path file = Files.write(spool.resolve("data.bin"), content);

    try (UploadSource source = UploadSource.ofFile(file)) {
      UploadSource.LocalFile local = (UploadSource.LocalFile) source;
      assertThat(local.temporary()).isFalse();
      assertThat(source.sha256()).isEqualTo(HashingInputStream.sha256Hex(content));
      assertThat(local.unchanged()).isTrue();
      Files.write(file, randomBytes(10));
      assertThat(local.unchanged()).isFalse();
    }
    assertThat(file).exists();
  }

  @Test
  void directoriesAreNotUploadable() {
    assertThatThrownBy(() -> UploadSource.ofFile(spool))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("regular file");
  }

  private static long fileCount(Path directory) throws IOException {
    try (java.util.stream.Stream<Path> entries = Files.list(directory)) {
      return entries.count();
    }
  }
}
