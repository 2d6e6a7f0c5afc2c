package dev.tuneloop.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tuneloop.ml.MiniLmFixture;
import dev.tuneloop.ml.inference.InferenceEngine;
import dev.tuneloop.ml.inference.LoadedClassifier;
import dev.tuneloop.ml.inference.OrtOptions;
import dev.tuneloop.ml.inference.Prediction;
import dev.tuneloop.ml.inference.TextClassifier;
import dev.tuneloop.ml.lora.LoraAdapters;
import dev.tuneloop.ml.lora.LoraConfig;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BaseModelImporter;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.model.BertEncoder;
import dev.tuneloop.ml.model.ClassificationHead;
import dev.tuneloop.ml.model.ModelArtifact;
import dev.tuneloop.ml.model.Pooling;
import dev.tuneloop.ml.model.SequenceClassifier;
import dev.tuneloop.ml.tiny.TinyModels;
import dev.tuneloop.ml.tokenize.TextTokenizer;
import dev.tuneloop.ml.tokenize.TokenizedBatch;
import dev.tuneloop.ml.train.FineTuneSpec;
import dev.tuneloop.ml.train.FineTuner;
import dev.tuneloop.ml.train.Strategy;
import dev.tuneloop.ml.weights.OnnxModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exported ONNX model run by ONNX Runtime against the DJL classifier it came from: same
 * probabilities and pooled vectors (1e-4) on varied texts, for full and LoRA (merged) fine-tuning,
 * mean and CLS pooling, every activation, and the real MiniLM.
 */
class OnnxExporterTest {

  private static final List<String> LABELS = List.of("ham", "spam");

  /** Varied lengths (padding inside a chunk), very short, empty, unknown characters, truncated. */
  static final List<String> TEXTS =
      List.of(
          "win a free prize now",
          "meeting notes for the team",
          "a",
          "",
          "?",
          "click",
          "urgent! cash offer for you today, click now!!!",
          "please review the project report and the agenda before the call",
          "the the the the",
          "🎉 free money 🎉",
          "Ünïcödé schedule",
          "cheap cheap cheap winner winner prize prize cash cash offer offer money money free free"
              + " click click urgent urgent now now today today",
          "lunch?",
          "we call you to schedule a review of the notes and the report for the team meeting"
              + " today and this project, please".repeat(3),
          "1 2 3 4 5 6 7 8 9 0",
          "team lunch",
          "prize: $1,000,000 (cash)",
          "you",
          "and of to for",
          "schedule the call; review the notes",
          "x y z",
          "winner",
          "project agenda - please read",
          "free",
          "free money offer for the winner, click now ".repeat(30));

  @TempDir static Path shared;

  private static BaseModelFolder base;
  private static Path fullArtifact;
  private static Path loraArtifact;

  @BeforeAll
  static void trainTinyModels() throws Exception {
    base = TinyModels.baseModel(shared.resolve("base"), 7);
    Path data = TinyModels.dataset(shared.resolve("data"), 48, 8, 8, 11);
    fullArtifact = shared.resolve("full");
    new FineTuner()
        .run(
            FineTuneSpec.builder(base.directory(), data, fullArtifact, LABELS)
                .strategy(Strategy.FULL)
                .pooling(Pooling.MEAN)
                .learningRate(5e-3)
                .epochs(1)
                .batchSize(8)
                .maxLength(24)
                .build());
    loraArtifact = shared.resolve("lora");
    new FineTuner()
        .run(
            FineTuneSpec.builder(base.directory(), data, loraArtifact, LABELS)
                .strategy(Strategy.LORA)
                .pooling(Pooling.CLS)
                .learningRate(2e-2)
                .epochs(1)
                .batchSize(8)
                .maxLength(24)
                .build());
    assertThat(ModelArtifact.hasAdapter(loraArtifact)).isTrue();
  }

  @Test
  void fullModelWithMeanPoolingMatchesDjl() throws Exception {
    assertParity(fullArtifact, null, 8);
  }

  @Test
  void loraModelWithClsPoolingMatchesDjlAfterMerging() throws Exception {
    assertParity(loraArtifact, base.directory(), 5);
  }

  @ParameterizedTest
  @CsvSource({"gelu,mean,1e-12", "gelu_new,cls,1e-5", "relu,mean,1e-6", "gelu_new,mean,1e-12"})
  void everyActivationAndPoolingMatchesDjl(String activation, String pooling, double eps)
      throws Exception {
    Path variant = shared.resolve("base-" + activation + "-" + pooling + "-" + eps);
    BaseModelFolder variantBase = TinyModels.baseModel(variant, 13);
    BertConfig.read(variantBase.configFile())
        .withHiddenAct(activation)
        .withLayerNormEps(eps)
        .write(variantBase.configFile());
    Path artifact = headOnlyArtifact(variant.resolve("head"), 16, Pooling.parse(pooling), 24, 0.5);
    assertParity(artifact, variant, 6);
  }

  @Test
  void realMiniLmMatchesDjl() throws Exception {
    assumeTrue(
        OnnxExporterTest.class.getClassLoader().getResource(BaseModelImporter.DEFAULT_ONNX_RESOURCE)
            != null,
        "all-MiniLM-L6-v2 is not on the test classpath");
    BaseModelFolder miniLm = MiniLmFixture.baseModel();
    Path artifact = headOnlyArtifact(shared.resolve("minilm-head"), 384, Pooling.MEAN, 128, 0.5);
    assertParity(artifact, miniLm.directory(), 16);
  }

  @Test
  void exportedFileLoadsInAFreshSessionWithTheDocumentedInterface() throws Exception {
    Path file = shared.resolve("export/model.onnx");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        ExportOnnxCommand.run(
            new String[] {
              "--model", loraArtifact.toString(),
              "--base", base.directory().toString(),
              "--output", file.toString()
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("wrote", "probabilities", "pooled");
    assertThat(Files.size(file)).isPositive();

    // Hugging Face names and layout for the weights
    OnnxModel parsed = OnnxModel.read(file);
    assertThat(parsed.graphInputs())
        .containsExactly("input_ids", "attention_mask", "token_type_ids");
    assertThat(parsed.graphOutputs()).containsExactly("probabilities", "pooled", "logits");
    assertThat(parsed.initializers())
        .containsKeys(
            "embeddings.word_embeddings.weight",
            "encoder.layer.1.attention.self.query.weight",
            "encoder.layer.1.output.LayerNorm.bias",
            "classifier.weight");
    assertThat(parsed.initializers().get("encoder.layer.0.intermediate.dense.weight").shape())
        .containsExactly(32, 16);

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(file.toString(), options)) {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        assertThat(inputs.keySet())
            .containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
        for (NodeInfo input : inputs.values()) {
          TensorInfo info = (TensorInfo) input.getInfo();
          assertThat(info.type).isEqualTo(OnnxJavaType.INT64);
          assertThat(info.getShape()).containsExactly(-1, -1);
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        assertThat(((TensorInfo) outputs.get("probabilities").getInfo()).getShape())
            .containsExactly(-1, 2);
        assertThat(((TensorInfo) outputs.get("pooled").getInfo()).getShape())
            .containsExactly(-1, 16);
        assertThat(((TensorInfo) outputs.get("logits").getInfo()).getShape())
            .containsExactly(-1, 2);
        assertThat(session.getMetadata().getCustomMetadata())
            .containsEntry("labels", "[\"ham\",\"spam\"]")
            .containsEntry("pooling", "cls")
            .containsEntry("max_length", "24");

        // the file answers like the classifier
        List<String> texts = TEXTS.subList(0, 6);
        float[] probabilities;
        try (TextTokenizer tokenizer =
            TextTokenizer.load(base.tokenizerFile(), 24, base.config().padTokenId())) {
          TokenizedBatch batch = tokenizer.encodeBatch(texts);
          long[] shape = {batch.size(), batch.length()};
          try (OnnxTensor ids =
                  OnnxTensor.createTensor(env, LongBuffer.wrap(batch.inputIds()), shape);
              OnnxTensor mask =
                  OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape);
              OnnxTensor types =
                  OnnxTensor.createTensor(env, LongBuffer.wrap(batch.tokenTypeIds()), shape);
              OrtSession.Result result =
                  session.run(
                      Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            OnnxTensor p = (OnnxTensor) result.get("probabilities").orElseThrow();
            probabilities = new float[texts.size() * 2];
            p.getFloatBuffer().get(probabilities);
          }
        }
        try (TextClassifier djl =
            TextClassifier.load(loraArtifact, base.directory(), null, 8, InferenceEngine.DJL)) {
          List<Prediction> expected = djl.predict(texts);
          for (int i = 0; i < texts.size(); i++) {
            for (int l = 0; l < 2; l++) {
              assertThat(Math.abs(probabilities[i * 2 + l] - expected.get(i).probabilities()[l]))
                  .isLessThanOrEqualTo(1e-4f);
            }
          }
        }
      }
    }
  }

  @Test
  void onnxRuntimeFusesTheGraph() throws Exception {
    byte[] onnx;
    try (LoadedClassifier loaded = LoadedClassifier.load(fullArtifact, null, null)) {
      onnx = OnnxExporter.toBytes(loaded.model(), loaded.labels(), loaded.maxLength());
    }
    Path optimized = shared.resolve("optimized.onnx");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setOptimizedModelFilePath(optimized.toString());
      env.createSession(onnx, options).close();
    }
    Map<String, Integer> before = opCounts(OnnxModel.parse(java.nio.ByteBuffer.wrap(onnx)));
    Map<String, Integer> after = opCounts(OnnxModel.read(optimized));
    System.out.println("ONNX ops exported: " + before + "\nafter ONNX Runtime ALL_OPT: " + after);
    // The weight transposes are folded into constants and the erf-GELU chains are fused.
    assertThat(after.getOrDefault("Transpose", 0)).isLessThan(before.get("Transpose"));
    assertThat(after).doesNotContainKey("Erf");
    assertThat(after.values().stream().mapToInt(Integer::intValue).sum())
        .isLessThan(before.values().stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void aModelTheExporterCannotExpressFailsWithTheReason() throws Exception {
    // 20M x 32 word embeddings alone are 2.4 GiB: over the protobuf limit (checked before any
    // weight is read, so the encoder need not even be initialised)
    BertConfig huge = BertConfig.of(20_000_000, 32, 1, 2, 32, 64);
    SequenceClassifier tooBig =
        new SequenceClassifier(
            new BertEncoder(huge), Pooling.MEAN, new ClassificationHead(32, 2, 0));
    assertThatThrownBy(() -> OnnxExporter.toBytes(tooBig, LABELS, 32))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("2 GiB");

    try (NDManager manager = NDManager.newBaseManager()) {
      BertEncoder encoder = new BertEncoder(TinyModels.config(80));
      encoder.initializeRandom(manager, 1);
      ClassificationHead head = new ClassificationHead(16, 2, 0);
      head.initializeRandom(manager, 0.02, 1);
      SequenceClassifier model = new SequenceClassifier(encoder, Pooling.MEAN, head);
      assertThatThrownBy(() -> OnnxExporter.toBytes(model, List.of("a", "b", "c"), 32))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("3 labels given but the head has 2");
      LoraAdapters.attach(encoder, LoraConfig.defaults(), manager, 1);
      assertThatThrownBy(() -> OnnxExporter.toBytes(model, LABELS, 32))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("unmerged LoRA adapter");
    }

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(
            ExportOnnxCommand.run(
                new String[] {"--model", shared.resolve("missing").toString(), "--output", "x"},
                System.out,
                errors))
        .isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("export failed", "labels.json");
    assertThat(ExportOnnxCommand.run(new String[] {"--model"}, System.out, errors)).isEqualTo(2);
  }

  @Test
  void engineNamesParse() {
    assertThat(InferenceEngine.parse("onnxruntime")).isEqualTo(InferenceEngine.ONNXRUNTIME);
    assertThat(InferenceEngine.parse(" ORT ")).isEqualTo(InferenceEngine.ONNXRUNTIME);
    assertThat(InferenceEngine.parse("DJL")).isEqualTo(InferenceEngine.DJL);
    assertThatThrownBy(() -> InferenceEngine.parse("tensorflow"))
        .hasMessageContaining("'onnxruntime' or 'djl'");
  }

  /**
   * Loads the artifact on both engines and compares every text's probabilities and pooled vector,
   * and the answers of the ONNX engine for texts one at a time against in one call (padding must
   * not change a text's answer).
   */
  private static void assertParity(Path artifact, Path baseDir, int batchSize) throws Exception {
    float maxProbability = 0;
    float maxPooled = 0;
    try (TextClassifier djl =
            TextClassifier.load(artifact, baseDir, null, batchSize, InferenceEngine.DJL);
        TextClassifier ort =
            TextClassifier.load(
                artifact,
                baseDir,
                null,
                batchSize,
                InferenceEngine.ONNXRUNTIME,
                new OrtOptions(1, false))) {
      assertThat(ort.engine()).isEqualTo(InferenceEngine.ONNXRUNTIME);
      assertThat(ort.labels()).isEqualTo(djl.labels());
      List<TextClassifier.Analysis> expected = djl.analyze(TEXTS);
      List<TextClassifier.Analysis> actual = ort.analyze(TEXTS);
      assertThat(actual).hasSize(TEXTS.size());
      List<float[]> single = new ArrayList<>();
      for (String text : TEXTS.subList(0, 6)) {
        single.add(ort.predict(List.of(text)).get(0).probabilities());
      }
      for (int i = 0; i < TEXTS.size(); i++) {
        TextClassifier.Analysis e = expected.get(i);
        TextClassifier.Analysis a = actual.get(i);
        assertThat(a.tokenCount()).isEqualTo(e.tokenCount());
        assertThat(a.embedding()).hasSameSizeAs(e.embedding());
        for (int l = 0; l < e.prediction().probabilities().length; l++) {
          maxProbability =
              Math.max(
                  maxProbability,
                  Math.abs(a.prediction().probabilities()[l] - e.prediction().probabilities()[l]));
        }
        for (int h = 0; h < e.embedding().length; h++) {
          maxPooled = Math.max(maxPooled, Math.abs(a.embedding()[h] - e.embedding()[h]));
        }
        if (i < single.size()) {
          for (int l = 0; l < single.get(i).length; l++) {
            assertThat(Math.abs(single.get(i)[l] - a.prediction().probabilities()[l]))
                .isLessThanOrEqualTo(1e-5f);
          }
        }
      }
      // predict and analyze agree
      List<Prediction> predictions = ort.predict(TEXTS);
      for (int i = 0; i < TEXTS.size(); i++) {
        assertThat(predictions.get(i).label()).isEqualTo(actual.get(i).prediction().label());
      }
      // the texts do not all get the same answer (a trivial model would hide errors)
      assertThat(expected.stream().map(x -> x.prediction().probabilities()[0]).distinct().count())
          .isGreaterThan(TEXTS.size() / 2);
      assertThat(expected.stream().mapToInt(TextClassifier.Analysis::tokenCount).max().orElse(0))
          .isEqualTo(djl.tokenizer().maxLength());
      ort.close(); // closing twice (here and at the end of the block) is harmless
    }
    System.out.printf(
        "ONNX Runtime vs DJL on %s (%d texts): max abs diff probabilities %.3g, pooled %.3g%n",
        artifact.getFileName(), TEXTS.size(), maxProbability, maxPooled);
    assertThat(maxProbability).isLessThanOrEqualTo(1e-4f);
    assertThat(maxPooled).isLessThanOrEqualTo(1e-4f);
  }

  /** A head-only artifact on a base model: random head (std), labels, pooling, max length. */
  private static Path headOnlyArtifact(
      Path dir, int hidden, Pooling pooling, int maxLength, double std) throws IOException {
    try (NDManager manager = NDManager.newBaseManager()) {
      ClassificationHead head = new ClassificationHead(hidden, LABELS.size(), 0);
      head.initializeRandom(manager, std, 5);
      ModelArtifact.writeLabels(dir, LABELS);
      ModelArtifact.writeHead(dir, head, pooling, maxLength);
    }
    return dir;
  }

  private static Map<String, Integer> opCounts(OnnxModel model) {
    Map<String, Integer> counts = new TreeMap<>();
    for (OnnxModel.Node node : model.nodes()) {
      counts.merge(node.opType(), 1, Integer::sum);
    }
    return counts;
  }
}
