package dev.tuneloop.ml.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.model.BertEncoder;
import dev.tuneloop.ml.model.DenseLayer;
import dev.tuneloop.ml.model.EncoderInput;
import dev.tuneloop.ml.model.GradMode;
import dev.tuneloop.ml.tiny.TinyModels;
import dev.tuneloop.ml.tokenize.TextTokenizer;
import dev.tuneloop.ml.weights.Safetensors;
import dev.tuneloop.ml.weights.WeightTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraAdaptersTest {

  @TempDir Path dir;

  private static final List<String> TEXTS =
      List.of("win free cash now", "team meeting agenda", "xyz 42");

  @Test
  void mergedAdaptersGiveTheSameOutputAsUnmergedOnes() throws Exception {
    BaseModelFolder base = TinyModels.baseModel(dir.resolve("base"), 5);
    BertConfig config = base.config();
    LoraConfig lora = new LoraConfig(4, 8, 0.1, List.of("query", "value", "dense"), false);
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(base.tokenizerFile(), 16, 0);
        GradMode noGrad = GradMode.disabled()) {
      BertEncoder encoder = base.loadEncoder(config, manager);
      Map<String, DenseLayer> adapted = LoraAdapters.attach(encoder, lora, manager, 1);
      // "dense" matches attention.output.dense, intermediate.dense and output.dense: 5 per layer.
      assertThat(adapted).hasSize(5 * config.numHiddenLayers());
      randomiseB(adapted, manager);
      EncoderInput input = tokenizer.encodeBatch(TEXTS).toInput(manager);

      float[] unmerged = encoder.apply(input, false).toFloatArray();
      assertThat(LoraAdapters.merge(encoder)).isEqualTo(adapted.size());
      float[] merged = encoder.apply(input, false).toFloatArray();

      float[] plain;
      try (NDManager other = NDManager.newBaseManager()) {
        plain =
            base.loadEncoder(config, other)
                .apply(tokenizer.encodeBatch(TEXTS).toInput(other), false)
                .toFloatArray();
      }
      assertThat(maxAbsDiff(unmerged, merged)).isLessThanOrEqualTo(1e-5f);
      // ... and the adapters really changed the output.
      assertThat(maxAbsDiff(unmerged, plain)).isGreaterThan(1e-3f);
    }
  }

  @Test
  void savedAdapterUsesPeftNamesAndFieldsAndLoadsBack() throws Exception {
    BaseModelFolder base = TinyModels.baseModel(dir.resolve("base"), 5);
    BertConfig config = base.config();
    LoraConfig lora = new LoraConfig(2, 4, 0.05, List.of("query", "value"), false);
    Path adapterDir = dir.resolve("adapter");
    float[] expected;
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(base.tokenizerFile(), 16, 0);
        GradMode noGrad = GradMode.disabled()) {
      BertEncoder encoder = base.loadEncoder(config, manager);
      randomiseB(LoraAdapters.attach(encoder, lora, manager, 2), manager);
      LoraAdapters.save(adapterDir, encoder, lora, "tiny-bert");
      expected = encoder.apply(tokenizer.encodeBatch(TEXTS).toInput(manager), false).toFloatArray();

      BertEncoder reloaded = base.loadEncoder(config, manager);
      LoraConfig read = LoraAdapters.load(adapterDir, reloaded, manager);
      assertThat(read).isEqualTo(lora);
      float[] actual =
          reloaded.apply(tokenizer.encodeBatch(TEXTS).toInput(manager), false).toFloatArray();
      assertThat(maxAbsDiff(expected, actual)).isZero();
    }

    Map<String, WeightTensor> tensors =
        Safetensors.read(adapterDir.resolve(LoraAdapters.WEIGHTS_FILE)).tensors();
    assertThat(tensors).hasSize(2 * 2 * config.numHiddenLayers());
    assertThat(
            tensors
                .get("base_model.model.encoder.layer.1.attention.self.value.lora_A.weight")
                .shape())
        .containsExactly(2, 16);
    assertThat(
            tensors
                .get("base_model.model.encoder.layer.1.attention.self.value.lora_B.weight")
                .shape())
        .containsExactly(16, 2);
    JsonNode json =
        new ObjectMapper().readTree(Files.readString(adapterDir.resolve(LoraAdapters.CONFIG_FILE)));
    assertThat(json.get("peft_type").asText()).isEqualTo("LORA");
    assertThat(json.get("r").asInt()).isEqualTo(2);
    assertThat(json.get("lora_alpha").asInt()).isEqualTo(4);
    assertThat(json.get("lora_dropout").asDouble()).isEqualTo(0.05);
    assertThat(json.get("target_modules")).hasSize(2);
    assertThat(json.get("bias").asText()).isEqualTo("none");
    assertThat(json.get("base_model_name_or_path").asText()).isEqualTo("tiny-bert");
  }

  @Test
  void peftNameVariantsMapToModulePaths() {
    assertThat(
            LoraAdapters.modulePath(
                "base_model.model.encoder.layer.0.attention.self.query.lora_A.weight"))
        .isEqualTo("encoder.layer.0.attention.self.query.lora_A.weight");
    assertThat(
            LoraAdapters.modulePath(
                "base_model.model.bert.encoder.layer.3.attention.self.value.lora_B.default.weight"))
        .isEqualTo("encoder.layer.3.attention.self.value.lora_B.weight");
  }

  @Test
  void targetsThatMatchNothingAreRejectedWithTheAvailableNames() throws Exception {
    BaseModelFolder base = TinyModels.baseModel(dir.resolve("base"), 5);
    try (NDManager manager = NDManager.newBaseManager()) {
      BertEncoder encoder = base.loadEncoder(base.config(), manager);
      LoraConfig lora = new LoraConfig(2, 4, 0, List.of("q_proj"), false);
      assertThatThrownBy(() -> LoraAdapters.attach(encoder, lora, manager, 1))
          .hasMessageContaining("q_proj")
          .hasMessageContaining("encoder.layer.0.attention.self.query");
    }
  }

  /** B starts at zero (adapters are a no-op until trained); give it values to test with. */
  private static void randomiseB(Map<String, DenseLayer> layers, NDManager manager) {
    for (DenseLayer layer : layers.values()) {
      NDArray b = layer.loraB().getArray();
      BertEncoder.copyInto(b, manager.randomNormal(0, 0.5f, b.getShape(), b.getDataType()));
    }
  }

  private static float maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
