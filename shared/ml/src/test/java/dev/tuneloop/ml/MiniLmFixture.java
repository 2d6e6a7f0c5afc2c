package dev.tuneloop.ml;

import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BaseModelImporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The real all-MiniLM-L6-v2 for the tests that need it (import and parity): imported once per build
 * into {@code target/test-models}.
 */
public final class MiniLmFixture {

  private static BaseModelFolder folder;
  private static byte[] onnx;

  private MiniLmFixture() {}

  /** The imported base-model folder. */
  public static synchronized BaseModelFolder baseModel() {
    if (folder == null) {
      try {
        folder =
            BaseModelImporter.importDefault(
                Path.of("target", "test-models", "all-minilm-l6-v2"), false);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return folder;
  }

  /** The original ONNX file's bytes. */
  public static synchronized byte[] onnxBytes() {
    if (onnx == null) {
      try (InputStream in =
          MiniLmFixture.class
              .getClassLoader()
              .getResourceAsStream(BaseModelImporter.DEFAULT_ONNX_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("all-minilm-l6-v2.onnx is not on the test classpath");
        }
        onnx = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return onnx;
  }
}
