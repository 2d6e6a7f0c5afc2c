package dev.tuneloop.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.ml.weights.OnnxModel;
import dev.tuneloop.ml.weights.WeightTensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Hand-built ONNX graphs for the cases the real MiniLM export does not cover. */
class OnnxBertConverterTest {

  @Test
  void matMulWithoutANamedBiasIsReportedByNodeAndInitializer() throws Exception {
    byte[] model =
        model(
            List.of(
                node("pooler_matmul", "MatMul", List.of("x", "onnx::MatMul_9"), List.of("y")),
                node("tanh", "Tanh", List.of("y"), List.of("z"))),
            List.of(tensor("onnx::MatMul_9", new long[] {2, 2}, new float[] {1, 2, 3, 4})));
    OnnxModel onnx = OnnxModel.parse(ByteBuffer.wrap(model));

    assertThat(onnx.nodes()).hasSize(2);
    assertThat(onnx.initializers().get("onnx::MatMul_9").toFloatArray())
        .containsExactly(1, 2, 3, 4);
    assertThatThrownBy(() -> OnnxBertConverter.convert(onnx, OptionalInt.empty()))
        .hasMessageContaining("MatMul node 'pooler_matmul' (weight onnx::MatMul_9)")
        .hasMessageContaining("not followed by an Add with a named bias");
  }

  @Test
  void matMulFollowedByBiasAddIsNamedAndTransposed() throws Exception {
    byte[] model =
        model(
            List.of(
                node("mm", "MatMul", List.of("x", "onnx::MatMul_1"), List.of("y")),
                node(
                    "add",
                    "Add",
                    List.of("encoder.layer.0.intermediate.dense.bias", "y"),
                    List.of("z"))),
            List.of(
                tensor("onnx::MatMul_1", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                tensor("encoder.layer.0.intermediate.dense.bias", new long[] {3}, new float[3])));
    OnnxModel onnx = OnnxModel.parse(ByteBuffer.wrap(model));

    // Not a whole BERT (no embeddings), so the config cannot be derived: but the mapping is done
    // first, and the error names what is missing.
    assertThatThrownBy(() -> OnnxBertConverter.convert(onnx, OptionalInt.of(1)))
        .hasMessageContaining("embeddings.word_embeddings.weight");
    assertThat(onnx.consumers("y")).extracting(OnnxModel.Node::opType).containsExactly("Add");
  }

  // --- a minimal protobuf writer for ModelProto { graph { node*, initializer* } } ---

  private static byte[] model(List<byte[]> nodes, List<byte[]> initializers) {
    ByteArrayOutputStream graph = new ByteArrayOutputStream();
    nodes.forEach(n -> field(graph, 1, n));
    initializers.forEach(t -> field(graph, 5, t));
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    varintField(model, 1, 8); // ir_version
    field(model, 7, graph.toByteArray());
    return model.toByteArray();
  }

  private static byte[] node(String name, String op, List<String> inputs, List<String> outputs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    inputs.forEach(i -> field(out, 1, i.getBytes(StandardCharsets.UTF_8)));
    outputs.forEach(o -> field(out, 2, o.getBytes(StandardCharsets.UTF_8)));
    field(out, 3, name.getBytes(StandardCharsets.UTF_8));
    field(out, 4, op.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static byte[] tensor(String name, long[] dims, float[] values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long dim : dims) {
      varintField(out, 1, dim);
    }
    varintField(out, 2, 1); // FLOAT
    field(out, 8, name.getBytes(StandardCharsets.UTF_8));
    WeightTensor data = WeightTensor.ofFloats(name, dims, values);
    byte[] raw = new byte[(int) data.byteCount()];
    data.data().duplicate().get(raw);
    field(out, 9, raw);
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
    varint(out, (long) number << 3 | 2);
    varint(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void varintField(ByteArrayOutputStream out, int number, long value) {
    varint(out, (long) number << 3);
    varint(out, value);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
