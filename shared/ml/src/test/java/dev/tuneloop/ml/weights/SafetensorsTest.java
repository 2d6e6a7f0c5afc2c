package dev.tuneloop.ml.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

  @TempDir Path dir;

  @Test
  void writtenTensorsReadBackWithNamesShapesValuesAndMetadata() throws IOException {
    WeightTensor weight =
        WeightTensor.ofFloats(
            "encoder.layer.0.attention.self.query.weight",
            new long[] {2, 3},
            new float[] {1, 2, 3, 4, 5, 6});
    ByteBuffer ids = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-1);
    ids.flip();
    WeightTensor positions = new WeightTensor("ids", TensorDType.I64, new long[] {2}, ids);
    Path file = dir.resolve("model.safetensors");

    Safetensors.write(file, List.of(weight, positions), Map.of("format", "pt"));
    Safetensors.Contents contents = Safetensors.read(file);

    assertThat(contents.metadata()).containsEntry("format", "pt");
    assertThat(contents.tensors()).containsOnlyKeys(weight.name(), "ids");
    WeightTensor read = contents.require(weight.name());
    assertThat(read.shape()).containsExactly(2, 3);
    assertThat(read.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(contents.require("ids").toLongArray()).containsExactly(7, -1);
  }

  @Test
  void headerIsPaddedSoDataStartsEightByteAligned() throws IOException {
    Path file = dir.resolve("a.safetensors");
    Safetensors.write(file, List.of(WeightTensor.ofFloats("x", new long[] {1}, new float[] {1})));
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
    assertThat(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8))
        .startsWith("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
  }

  @Test
  void transposeTurnsOnnxInOutLayoutIntoPyTorchOutIn() {
    WeightTensor matMul =
        WeightTensor.ofFloats("m", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
    WeightTensor linear = matMul.transposed2d("l");
    assertThat(linear.shape()).containsExactly(3, 2);
    assertThat(linear.toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
  }

  @Test
  void truncatedFileIsRejectedWithItsPath() throws IOException {
    Path file = dir.resolve("broken.safetensors");
    Safetensors.write(file, List.of(WeightTensor.ofFloats("x", new long[] {4}, new float[4])));
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 8));
    assertThatThrownBy(() -> Safetensors.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("broken.safetensors")
        .hasMessageContaining("'x'");
  }

  @Test
  void notASafetensorsFileIsRejected() throws IOException {
    Path file = dir.resolve("text.safetensors");
    Files.writeString(file, "hello world, this is not a model");
    assertThatThrownBy(() -> Safetensors.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a safetensors file");
  }
}
