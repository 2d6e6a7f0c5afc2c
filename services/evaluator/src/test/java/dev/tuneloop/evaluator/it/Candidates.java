package dev.tuneloop.evaluator.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.ml.lora.LoraConfig;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.ml.store.ObjectUri;
import dev.tuneloop.ml.tiny.TinyModels;
import dev.tuneloop.ml.train.FineTuneResult;
import dev.tuneloop.ml.train.FineTuneSpec;
import dev.tuneloop.ml.train.FineTuner;
import dev.tuneloop.ml.train.Strategy;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real tiny artifacts for the ITs, made as the trainer makes them: a tiny base model (pre-trained
 * on synthetic data, so LoRA and head training have features to work with) in {@code
 * s3://tuneloop-models/base/<name>/}, a dataset with two versions in curation's layout, a "good"
 * LoRA candidate and a "bad" one (head trained on flipped labels), each with its model card.
 */
final class Candidates {

  static final List<String> LABELS = List.of("ham", "spam");
  private static final ObjectMapper JSON = new ObjectMapper();

  final String baseName;
  final ObjectUri baseUri;
  final String dataset;
  final Path good;
  final Path bad;
  final double goodTestAccuracy;
  final double badTestAccuracy;

  private Candidates(
      String baseName,
      String dataset,
      Path good,
      Path bad,
      double goodTestAccuracy,
      double badTestAccuracy) {
    this.baseName = baseName;
    this.baseUri = ModelStore.baseModelUri(baseName);
    this.dataset = dataset;
    this.good = good;
    this.bad = bad;
    this.goodTestAccuracy = goodTestAccuracy;
    this.badTestAccuracy = badTestAccuracy;
  }

  static Candidates make(ObjectStore store, Path dir, String run) throws Exception {
    ModelStore models = new ModelStore(store, dir.resolve("cache"));
    String baseName = "it-ev-base-" + run;
    String dataset = "it-ev-data-" + run;

    // Base: a tiny random encoder, fully fine-tuned on other synthetic data ("pre-trained").
    Path random = TinyModels.baseModel(dir.resolve("random"), 7).directory();
    Path pretraining = TinyModels.dataset(dir.resolve("pretraining"), 96, 0, 0, 99);
    Path base = dir.resolve("base");
    new FineTuner()
        .run(
            FineTuneSpec.builder(random, pretraining, base, LABELS)
                .strategy(Strategy.FULL)
                .learningRate(5e-3)
                .epochs(3)
                .batchSize(8)
                .maxLength(32)
                .build());
    Files.deleteIfExists(base.resolve("labels.json"));
    Files.deleteIfExists(base.resolve("head.safetensors"));
    models.upload(base, ModelStore.baseModelUri(baseName), true);

    // Dataset: v1 and v2 (v2 extends v1, as curation's versions do), 64 test examples each.
    Path v1 = TinyModels.dataset(dir.resolve("v1"), 96, 32, 64, 11);
    Path v2 = TinyModels.dataset(dir.resolve("v2"), 128, 32, 64, 12);
    upload(store, dataset, 1, v1);
    upload(store, dataset, 2, v2);

    // Good: LoRA on the base, trained on v2.
    FineTuneResult good =
        new FineTuner()
            .run(
                FineTuneSpec.builder(base, v2, dir.resolve("good"), LABELS)
                    .strategy(Strategy.LORA)
                    .lora(new LoraConfig(4, 8, 0.0, List.of("query", "value"), false))
                    .learningRate(1e-2)
                    .epochs(3)
                    .batchSize(8)
                    .maxLength(32)
                    .seed(3)
                    .build());
    // Bad: head only, trained on v2 with every label flipped.
    Path flipped = dir.resolve("flipped");
    Files.createDirectories(flipped);
    Files.writeString(
        flipped.resolve("train.jsonl"),
        Files.readString(v2.resolve("train.jsonl"))
            .replace("\"spam\"", "\"x\"")
            .replace("\"ham\"", "\"spam\"")
            .replace("\"x\"", "\"ham\""));
    Files.copy(v2.resolve("test.jsonl"), flipped.resolve("test.jsonl"));
    FineTuneResult bad =
        new FineTuner()
            .run(
                FineTuneSpec.builder(base, flipped, dir.resolve("bad"), LABELS)
                    .strategy(Strategy.HEAD)
                    .learningRate(5e-2)
                    .epochs(5)
                    .batchSize(8)
                    .maxLength(32)
                    .seed(3)
                    .build());
    Candidates c =
        new Candidates(
            baseName,
            dataset,
            good.modelDirectory(),
            bad.modelDirectory(),
            good.test().accuracy(),
            bad.test().accuracy());
    c.card(good.modelDirectory(), "lora");
    c.card(bad.modelDirectory(), "head");
    return c;
  }

  /** Uploads an artifact folder to {@code <model>/candidates/<job>/}; returns its URI. */
  String upload(ObjectStore store, Path artifact, String model, String job) throws IOException {
    ObjectUri uri = new ObjectUri(Buckets.MODELS, model + "/candidates/" + job + "/");
    new ModelStore(store, artifact.resolveSibling("cache")).upload(artifact, uri, true);
    return uri.toString();
  }

  private void card(Path artifact, String strategy) throws IOException {
    ObjectNode card = JSON.createObjectNode();
    card.put("strategy", strategy);
    card.putArray("labels").add("ham").add("spam");
    ObjectNode baseModel = card.putObject("base_model");
    baseModel.put("name", baseName);
    baseModel.put("uri", baseUri.toString());
    baseModel.put("sha256", "0".repeat(64));
    ObjectNode data = card.putObject("dataset");
    data.put("name", dataset);
    data.put("version", 2);
    Files.writeString(artifact.resolve(ModelStore.MODEL_CARD_FILE), card.toString());
  }

  private static void upload(ObjectStore store, String dataset, int version, Path folder)
      throws IOException {
    List<String> splits = new ArrayList<>(List.of("train.jsonl", "validation.jsonl", "test.jsonl"));
    for (String split : splits) {
      store.put(Buckets.DATASETS, dataset + "/v" + version + "/" + split, folder.resolve(split));
    }
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("dataset", dataset);
    manifest.put("version", version);
    manifest.putArray("labels").add("ham").add("spam");
    store.put(
        Buckets.DATASETS,
        dataset + "/v" + version + "/manifest.json",
        JSON.writeValueAsBytes(manifest));
  }
}
