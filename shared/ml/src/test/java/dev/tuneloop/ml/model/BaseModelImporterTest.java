package dev.tuneloop.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.ml.MiniLmFixture;
import dev.tuneloop.ml.weights.OnnxModel;
import dev.tuneloop.ml.weights.Safetensors;
import dev.tuneloop.ml.weights.WeightTensor;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseModelImporterTest {

  @TempDir Path dir;

  @Test
  void minilmOnnxBecomesAHuggingFaceFolderWithEveryLinearNamed() throws Exception {
    OnnxModel onnx = OnnxModel.parse(ByteBuffer.wrap(MiniLmFixture.onnxBytes()));
    Path output = dir.resolve("minilm");

    BaseModelFolder folder =
        BaseModelImporter.importModel(
            onnx, new ByteArrayInputStream("{}".getBytes()), output, OptionalInt.empty(), false);

    BertConfig config = folder.config();
    assertThat(config.numHiddenLayers()).isEqualTo(6);
    assertThat(config.hiddenSize()).isEqualTo(384);
    assertThat(config.numAttentionHeads()).isEqualTo(12);
    assertThat(config.intermediateSize()).isEqualTo(1536);
    assertThat(config.vocabSize()).isEqualTo(30522);
    assertThat(config.maxPositionEmbeddings()).isEqualTo(512);
    assertThat(config.typeVocabSize()).isEqualTo(2);
    assertThat(config.layerNormEps()).isEqualTo(1e-12);
    assertThat(config.hiddenAct()).isEqualTo("gelu");

    Map<String, WeightTensor> weights = Safetensors.read(folder.weightsFile()).tensors();
    // 5 embedding tensors + 16 per layer (6 Linear weights+biases, 2 LayerNorms)
    assertThat(weights).hasSize(5 + 16 * 6);
    assertThat(weights.keySet()).noneMatch(name -> name.startsWith("onnx::"));
    assertThat(weights.get("encoder.layer.3.intermediate.dense.weight").shape())
        .containsExactly(1536, 384);
    assertThat(weights.get("encoder.layer.3.output.dense.weight").shape())
        .containsExactly(384, 1536);

    // The query weight is the transpose of the MatMul initializer feeding the query bias' Add.
    WeightTensor matMul = onnx.initializers().get("onnx::MatMul_787");
    float[] onnxValues = matMul.toFloatArray();
    float[] hfValues = weights.get("encoder.layer.0.attention.self.query.weight").toFloatArray();
    assertThat(hfValues[1 * 384 + 0]).isEqualTo(onnxValues[0 * 384 + 1]);
    assertThat(hfValues[5 * 384 + 7]).isEqualTo(onnxValues[7 * 384 + 5]);

    // A second import without --force keeps the folder.
    long modified = Files.getLastModifiedTime(folder.weightsFile()).toMillis();
    BaseModelImporter.importModel(
        onnx, new ByteArrayInputStream(new byte[0]), output, OptionalInt.empty(), false);
    assertThat(Files.getLastModifiedTime(folder.weightsFile()).toMillis()).isEqualTo(modified);
    assertThat(Files.list(dir)).containsExactly(output);
  }
}
