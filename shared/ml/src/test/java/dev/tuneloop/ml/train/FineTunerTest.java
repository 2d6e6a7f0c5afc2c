package dev.tuneloop.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.tuneloop.ml.inference.Prediction;
import dev.tuneloop.ml.inference.TextClassifier;
import dev.tuneloop.ml.lora.LoraConfig;
import dev.tuneloop.ml.metrics.ClassificationMetrics;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.tiny.TinyModels;
import dev.tuneloop.ml.weights.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end fine-tuning on a tiny random BERT and a synthetic spam/ham set. */
class FineTunerTest {

  private static final List<String> LABELS = List.of("ham", "spam");

  @TempDir static Path shared;
  @TempDir Path dir;

  private static BaseModelFolder base;
  private static BaseModelFolder pretrained;
  private static Path dataset;

  @BeforeAll
  static void tinyModelAndData() throws Exception {
    base = TinyModels.baseModel(shared.resolve("base"), 7);
    dataset = TinyModels.dataset(shared.resolve("data"), 96, 32, 32, 11);
    // Head and LoRA adapt a pre-trained encoder; a random one gives them nothing to work with. A
    // full fine-tuning output is itself a valid base-model folder, so use one as the "pre-trained"
    // base (trained on other synthetic data than the tests use).
    Path pretrainingData = TinyModels.dataset(shared.resolve("pretraining-data"), 96, 0, 0, 99);
    new FineTuner()
        .run(
            FineTuneSpec.builder(
                    base.directory(), pretrainingData, shared.resolve("pretrained"), LABELS)
                .strategy(Strategy.FULL)
                .learningRate(5e-3)
                .epochs(3)
                .batchSize(8)
                .maxLength(32)
                .build());
    pretrained = BaseModelFolder.open(shared.resolve("pretrained"));
  }

  private FineTuneSpec.Builder spec(Strategy strategy) {
    return FineTuneSpec.builder(base.directory(), dataset, dir.resolve("model"), LABELS)
        .strategy(strategy)
        .learningRate(5e-3)
        .epochs(3)
        .batchSize(8)
        .maxLength(32)
        .evalBatchSize(16)
        .seed(3);
  }

  @Test
  void fullFineTuningLearnsTheTaskAndItsModelLoadsBackForPrediction() throws Exception {
    List<TrainingProgress> progress = new ArrayList<>();
    List<Integer> evaluatedEpochs = new ArrayList<>();
    FineTuneResult result =
        new FineTuner()
            .run(
                spec(Strategy.FULL).build(),
                new TrainingListener() {
                  @Override
                  public void onProgress(TrainingProgress p) {
                    progress.add(p);
                  }

                  @Override
                  public void onEvaluation(int epoch, int step, ClassificationMetrics validation) {
                    evaluatedEpochs.add(epoch);
                  }
                });

    assertThat(result.test().accuracy()).isGreaterThanOrEqualTo(0.9);
    assertThat(result.steps()).isEqualTo(36); // 96 / 8 = 12 updates per epoch, 3 epochs
    assertThat(progress).hasSize(36);
    assertThat(progress.get(0).learningRate()).isZero(); // warm-up starts at 0
    assertThat(progress.get(35).epoch()).isEqualTo(3.0);
    assertThat(evaluatedEpochs).containsExactly(1, 2, 3);
    assertThat(result.trainableShare()).isEqualTo(1.0);
    assertThat(result.files())
        .containsExactlyInAnyOrder(
            "config.json",
            "tokenizer.json",
            "labels.json",
            "head.safetensors",
            "model.safetensors");

    // model.safetensors has the base model's Hugging Face names, and its weights changed.
    Set<String> baseNames = Safetensors.read(base.weightsFile()).tensors().keySet();
    var saved = Safetensors.read(dir.resolve("model/model.safetensors")).tensors();
    assertThat(saved.keySet()).isEqualTo(baseNames);
    assertThat(saved.get("encoder.layer.0.attention.self.query.weight").toFloatArray())
        .isNotEqualTo(
            Safetensors.read(base.weightsFile())
                .tensors()
                .get("encoder.layer.0.attention.self.query.weight")
                .toFloatArray());

    // The folder alone (no base model) reproduces the test metrics through batched prediction.
    List<LabelledText> testSet = DatasetSplits.read(dataset, LABELS).test();
    assertThat(predictedMetrics(dir.resolve("model"), null, testSet).accuracy())
        .isEqualTo(result.test().accuracy());
    assertThat(predictedMetrics(dir.resolve("model"), null, testSet).logLoss())
        .isCloseTo(result.test().logLoss(), within(1e-5));
  }

  @Test
  void headStrategyTrainsOnlyTheHeadOnPrecomputedVectors() throws Exception {
    FineTuneResult result =
        new FineTuner()
            .run(
                spec(Strategy.HEAD)
                    .baseModel(pretrained.directory())
                    .learningRate(1e-2)
                    .epochs(5)
                    .build());

    assertThat(result.trainableParameters()).isEqualTo(2 * 16 + 2);
    assertThat(result.trainableShare()).isLessThan(0.01);
    assertThat(result.files()).doesNotContain("model.safetensors", "adapter_model.safetensors");
    assertThat(result.test().accuracy()).isGreaterThanOrEqualTo(0.9);
    List<LabelledText> testSet = DatasetSplits.read(dataset, LABELS).test();
    assertThat(predictedMetrics(dir.resolve("model"), pretrained.directory(), testSet).logLoss())
        .isCloseTo(result.test().logLoss(), within(1e-5));
  }

  @Test
  void loraTrainsAdaptersOnlyAndSavesThemInPeftFormat() throws Exception {
    LoraConfig lora = new LoraConfig(4, 8, 0.1, List.of("query", "value"), false);
    FineTuneResult result =
        new FineTuner()
            .run(
                spec(Strategy.LORA)
                    .baseModel(pretrained.directory())
                    .lora(lora)
                    .learningRate(1e-2)
                    .build());

    // 2 layers x 2 targets x (A 4x16 + B 16x4) + head 34
    assertThat(result.trainableParameters()).isEqualTo(2 * 2 * (64 + 64) + 34);
    assertThat(result.files())
        .contains("adapter_model.safetensors", "adapter_config.json")
        .doesNotContain("model.safetensors");
    assertThat(Safetensors.read(dir.resolve("model/adapter_model.safetensors")).tensors().keySet())
        .allMatch(
            name -> name.startsWith("base_model.model.encoder.layer.") && name.contains(".lora_"));
    assertThat(result.test().accuracy()).isGreaterThanOrEqualTo(0.9);
    // Loading merges the adapters; predictions still reproduce the run's test metrics.
    List<LabelledText> testSet = DatasetSplits.read(dataset, LABELS).test();
    assertThat(predictedMetrics(dir.resolve("model"), pretrained.directory(), testSet).logLoss())
        .isCloseTo(result.test().logLoss(), within(1e-5));
  }

  @Test
  void sameSeedGivesTheSameMetricsAndWeights() throws Exception {
    FineTuneSpec first =
        spec(Strategy.LORA).output(dir.resolve("a")).gradientAccumulation(2).build();
    FineTuneSpec second = first.toBuilder().output(dir.resolve("b")).build();
    FineTuneResult a = new FineTuner().run(first);
    FineTuneResult b = new FineTuner().run(second);

    assertThat(b.test().asMap()).isEqualTo(a.test().asMap());
    assertThat(b.validation().asMap()).isEqualTo(a.validation().asMap());
    assertThat(Files.readAllBytes(dir.resolve("b/adapter_model.safetensors")))
        .isEqualTo(Files.readAllBytes(dir.resolve("a/adapter_model.safetensors")));
    assertThat(Files.readAllBytes(dir.resolve("b/head.safetensors")))
        .isEqualTo(Files.readAllBytes(dir.resolve("a/head.safetensors")));
  }

  @Test
  void gradientCheckpointingComputesTheSameUpdatesAsTheFullGraph() throws Exception {
    // Without dropout both paths compute the same function, so the same updates must come out.
    Path noDropout = dir.resolve("no-dropout-base");
    Files.createDirectories(noDropout);
    for (String file : List.of("tokenizer.json", "model.safetensors")) {
      Files.copy(pretrained.directory().resolve(file), noDropout.resolve(file));
    }
    BertConfig.read(pretrained.configFile())
        .withDropout(0, 0)
        .write(noDropout.resolve(BertConfig.FILE_NAME));
    for (Strategy strategy : List.of(Strategy.LORA, Strategy.FULL)) {
      FineTuneSpec plain =
          spec(strategy)
              .baseModel(noDropout)
              .lora(new LoraConfig(4, 8, 0, LoraConfig.DEFAULT_TARGETS, false))
              .maxSteps(4)
              .output(dir.resolve(strategy.id() + "-plain"))
              .build();
      FineTuneSpec checkpointed =
          plain.toBuilder()
              .gradientCheckpointing(true)
              .output(dir.resolve(strategy.id() + "-checkpointed"))
              .build();
      new FineTuner().run(plain);
      new FineTuner().run(checkpointed);
      String weights =
          strategy == Strategy.LORA ? "adapter_model.safetensors" : "model.safetensors";
      for (String file : List.of(weights, "head.safetensors")) {
        Map<String, float[]> expected = floats(plain.output().resolve(file));
        Map<String, float[]> actual = floats(checkpointed.output().resolve(file));
        assertThat(actual.keySet()).as(file).isEqualTo(expected.keySet());
        expected.forEach(
            (name, values) -> {
              float[] got = actual.get(name);
              for (int i = 0; i < values.length; i++) {
                assertThat(got[i])
                    .as(strategy + " " + name + "[" + i + "]")
                    .isCloseTo(values[i], within(2e-5f));
              }
            });
      }
    }
  }

  @Test
  void gradientCheckpointingWithDropoutIsReproducibleAndLearns() throws Exception {
    FineTuneSpec first =
        spec(Strategy.LORA)
            .baseModel(pretrained.directory())
            .learningRate(1e-2)
            .gradientCheckpointing(true)
            .output(dir.resolve("gc-a"))
            .build();
    FineTuneResult a = new FineTuner().run(first);
    FineTuneResult b = new FineTuner().run(first.toBuilder().output(dir.resolve("gc-b")).build());

    assertThat(Files.readAllBytes(dir.resolve("gc-b/adapter_model.safetensors")))
        .isEqualTo(Files.readAllBytes(dir.resolve("gc-a/adapter_model.safetensors")));
    assertThat(b.test().asMap()).isEqualTo(a.test().asMap());
    assertThat(a.test().accuracy()).isGreaterThan(0.8);
  }

  private static Map<String, float[]> floats(Path file) throws IOException {
    Map<String, float[]> out = new LinkedHashMap<>();
    Safetensors.read(file)
        .tensors()
        .forEach((name, tensor) -> out.put(name, tensor.toFloatArray()));
    return out;
  }

  @Test
  void runKilledMidwayAndResumedEndsWithTheSameWeightsAsAnUninterruptedRun() throws Exception {
    FineTuneSpec uninterrupted =
        spec(Strategy.FULL).output(dir.resolve("straight")).gradientAccumulation(2).build();
    new FineTuner().run(uninterrupted);

    FineTuneSpec resumable =
        uninterrupted.toBuilder()
            .output(dir.resolve("resumed"))
            .checkpoints(dir.resolve("checkpoints"), 5)
            .build();
    TrainingListener crashAtStep13 =
        new TrainingListener() {
          @Override
          public void onProgress(TrainingProgress progress) {
            if (progress.step() == 13) {
              throw new IllegalStateException("simulated crash");
            }
          }
        };
    assertThatThrownBy(() -> new FineTuner().run(resumable, crashAtStep13))
        .hasMessage("simulated crash");
    assertThat(dir.resolve("checkpoints/step-00000010/state.json")).exists();

    FineTuneResult resumed = new FineTuner().run(resumable);

    assertThat(resumed.resumedFromStep()).isEqualTo(10);
    assertThat(resumed.steps()).isEqualTo(18);
    for (String file : List.of("model.safetensors", "head.safetensors")) {
      assertThat(Files.readAllBytes(dir.resolve("resumed").resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(dir.resolve("straight").resolve(file)));
    }
  }

  @Test
  void liveNDArrayCountStaysFlatOver500Steps() throws Exception {
    Path small = TinyModels.dataset(dir.resolve("small"), 32, 8, 0, 5);
    Map<Integer, Integer> liveArrays = new LinkedHashMap<>();
    FineTuneSpec longRun =
        FineTuneSpec.builder(base.directory(), small, dir.resolve("model"), LABELS)
            .strategy(Strategy.FULL)
            .learningRate(1e-3)
            .batchSize(8)
            .maxLength(16)
            .epochs(1000)
            .maxSteps(500)
            .checkpoints(dir.resolve("checkpoints"), 100)
            .build();
    new FineTuner()
        .run(
            longRun,
            new TrainingListener() {
              @Override
              public void onProgress(TrainingProgress progress) {
                if (progress.step() == 20 || progress.step() == 250 || progress.step() == 500) {
                  liveArrays.put(progress.step(), liveNDArrays());
                }
              }
            });
    System.out.println("Live NDArrays by step: " + liveArrays);
    assertThat(liveArrays).hasSize(3);
    assertThat(liveArrays.get(250)).isEqualTo(liveArrays.get(20));
    assertThat(liveArrays.get(500)).isEqualTo(liveArrays.get(20));
  }

  @Test
  void cancellationStopsTheRunAfterACheckpoint() throws Exception {
    FineTuneSpec cancellable =
        spec(Strategy.HEAD).checkpoints(dir.resolve("checkpoints"), 100).build();
    TrainingListener cancelAfterFourSteps =
        new TrainingListener() {
          private int steps;

          @Override
          public void onProgress(TrainingProgress progress) {
            steps = progress.step();
          }

          @Override
          public boolean cancelRequested() {
            return steps >= 4;
          }
        };
    assertThatThrownBy(() -> new FineTuner().run(cancellable, cancelAfterFourSteps))
        .isInstanceOf(TrainingCancelledException.class)
        .hasMessage("Training cancelled at step 4");
    assertThat(dir.resolve("checkpoints/step-00000004/state.json")).exists();
  }

  @Test
  void earlyStoppingStopsAndRestoresTheBestEpoch() throws Exception {
    Map<Integer, ClassificationMetrics> evaluations = new LinkedHashMap<>();
    FineTuneResult result =
        new FineTuner()
            .run(
                spec(Strategy.HEAD)
                    .learningRate(5e-2)
                    .epochs(40)
                    .earlyStopping(new EarlyStopping(1, "accuracy", 0))
                    .build(),
                new TrainingListener() {
                  @Override
                  public void onEvaluation(int epoch, int step, ClassificationMetrics validation) {
                    evaluations.put(epoch, validation);
                  }
                });

    assertThat(result.stoppedEarly()).isTrue();
    assertThat(evaluations).hasSizeLessThan(40);
    assertThat(result.bestEpoch()).isLessThan(evaluations.size());
    ClassificationMetrics best = evaluations.get(result.bestEpoch());
    assertThat(result.validation().accuracy()).isEqualTo(best.accuracy());
    assertThat(result.validation().logLoss()).isCloseTo(best.logLoss(), within(1e-9));
  }

  @Test
  void invalidSpecsAndDataAreRejectedWithTheReason() throws Exception {
    assertThatThrownBy(
            () ->
                FineTuneSpec.builder(base.directory(), dataset, dir, List.of("spam", "spam"))
                    .build())
        .hasMessageContaining("at least two distinct");
    assertThatThrownBy(() -> spec(Strategy.FULL).checkpoints(null, 10).build())
        .hasMessageContaining("no checkpointDir");

    Path wrongLabels = dir.resolve("wrong");
    Files.createDirectories(wrongLabels);
    Files.writeString(
        wrongLabels.resolve("train.jsonl"),
        "{\"text\":\"hi\",\"label\":\"ham\"}\n{\"text\":\"x\",\"label\":\"eggs\"}\n");
    assertThatThrownBy(() -> new FineTuner().run(spec(Strategy.HEAD).dataset(wrongLabels).build()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("train.jsonl line 2: label 'eggs' is not one of");
    assertThatThrownBy(
            () ->
                new FineTuner()
                    .run(
                        spec(Strategy.HEAD)
                            .dataset(wrongLabels)
                            .earlyStopping(new EarlyStopping(2, "macro_f1", 0))
                            .build()))
        .hasMessageContaining("line 2");
    Files.writeString(wrongLabels.resolve("train.jsonl"), "{\"text\":\"hi\",\"label\":\"ham\"}\n");
    assertThatThrownBy(
            () ->
                new FineTuner()
                    .run(
                        spec(Strategy.HEAD)
                            .dataset(wrongLabels)
                            .earlyStopping(new EarlyStopping(2, "macro_f1", 0))
                            .build()))
        .hasMessageContaining("Early stopping needs a validation set");
  }

  /** Arrays alive in every manager of the engine (the system manager's whole tree). */
  private static int liveNDArrays() {
    try (NDManager probe = NDManager.newBaseManager()) {
      return probe.getParentManager().getManagedArrays().size();
    }
  }

  private static ClassificationMetrics predictedMetrics(
      Path model, Path baseModel, List<LabelledText> texts) throws IOException {
    try (TextClassifier classifier = TextClassifier.load(model, baseModel, null, 7)) {
      List<Prediction> predictions =
          classifier.predict(texts.stream().map(LabelledText::text).toList());
      float[][] probabilities = new float[texts.size()][];
      int[] truth = new int[texts.size()];
      for (int i = 0; i < texts.size(); i++) {
        probabilities[i] = predictions.get(i).probabilities();
        truth[i] = classifier.labels().indexOf(texts.get(i).label());
        assertThat(predictions.get(i).label())
            .isEqualTo(classifier.labels().get(ClassificationMetrics.argMax(probabilities[i])));
      }
      return ClassificationMetrics.compute(classifier.labels(), truth, probabilities);
    }
  }
}
