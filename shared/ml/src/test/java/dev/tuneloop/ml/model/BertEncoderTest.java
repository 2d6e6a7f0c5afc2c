package dev.tuneloop.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.tuneloop.ml.weights.WeightTensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BertEncoderTest {

  private static final BertConfig TINY = BertConfig.of(50, 8, 1, 2, 16, 16);

  @Test
  void parametersCarryHuggingFaceNamesAndShapes() {
    Map<String, ModelParameter> params = new BertEncoder(TINY).namedParameters();
    assertThat(params).hasSize(5 + 16);
    assertThat(params.get("embeddings.word_embeddings.weight").shape().getShape())
        .containsExactly(50, 8);
    assertThat(params.get("encoder.layer.0.attention.self.query.weight").shape().getShape())
        .containsExactly(8, 8);
    assertThat(params.get("encoder.layer.0.intermediate.dense.weight").shape().getShape())
        .containsExactly(16, 8);
    assertThat(params.get("encoder.layer.0.output.LayerNorm.bias").shape().getShape())
        .containsExactly(8);
  }

  @Test
  void weightsWithBertPrefixLoadAndUnusedOnesAreReported() {
    try (NDManager manager = NDManager.newBaseManager()) {
      BertEncoder source = new BertEncoder(TINY);
      source.initializeRandom(manager, 1);
      Map<String, WeightTensor> prefixed = new LinkedHashMap<>();
      for (WeightTensor t : source.exportWeights()) {
        prefixed.put("bert." + t.name(), t.renamed("bert." + t.name()));
      }
      prefixed.put(
          "bert.pooler.dense.bias",
          WeightTensor.ofFloats("bert.pooler.dense.bias", new long[] {8}, new float[8]));

      BertEncoder target = new BertEncoder(TINY);
      List<String> unused = target.loadWeights(prefixed, manager);

      assertThat(unused).containsExactly("pooler.dense.bias");
      assertThat(
              target
                  .namedParameters()
                  .get("encoder.layer.0.attention.self.key.weight")
                  .parameter()
                  .getArray()
                  .toFloatArray())
          .containsExactly(
              source
                  .namedParameters()
                  .get("encoder.layer.0.attention.self.key.weight")
                  .parameter()
                  .getArray()
                  .toFloatArray());
    }
  }

  @Test
  void missingTensorsAndWrongShapesAreListedTogether() {
    try (NDManager manager = NDManager.newBaseManager()) {
      BertEncoder source = new BertEncoder(TINY);
      source.initializeRandom(manager, 1);
      Map<String, WeightTensor> weights = new HashMap<>();
      source.exportWeights().forEach(t -> weights.put(t.name(), t));
      weights.remove("encoder.layer.0.attention.self.value.bias");
      weights.put(
          "embeddings.word_embeddings.weight",
          WeightTensor.ofFloats(
              "embeddings.word_embeddings.weight", new long[] {40, 8}, new float[320]));

      assertThatThrownBy(() -> new BertEncoder(TINY).loadWeights(weights, manager))
          .hasMessageContaining("missing encoder.layer.0.attention.self.value.bias")
          .hasMessageContaining(
              "embeddings.word_embeddings.weight has shape (40, 8), config.json implies (50, 8)");
    }
  }

  @Test
  void configRejectsShapesThatCannotWork() {
    assertThatThrownBy(() -> BertConfig.of(50, 10, 1, 3, 16, 16))
        .hasMessageContaining("hidden_size 10 is not a multiple of num_attention_heads 3");
  }
}
