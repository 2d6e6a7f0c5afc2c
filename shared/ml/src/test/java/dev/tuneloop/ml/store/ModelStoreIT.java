package dev.tuneloop.ml.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.ml.inference.Prediction;
import dev.tuneloop.ml.inference.TextClassifier;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.tiny.TinyModels;
import dev.tuneloop.ml.train.FineTuneSpec;
import dev.tuneloop.ml.train.FineTuner;
import dev.tuneloop.ml.train.Strategy;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.StorageSettings;
import dev.tuneloop.testing.RealStackExtension;
import dev.tuneloop.testing.StackEndpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model folders through the real object store: a LoRA artifact uploaded with its base model, then
 * downloaded and loaded the way serving loads it, must predict exactly what the local folders do.
 */
@ExtendWith(RealStackExtension.class)
class ModelStoreIT {

  private static final List<String> LABELS = List.of("ham", "spam");
  private static final List<String> TEXTS =
      List.of("win free cash now", "team meeting agenda today", "click for a cheap prize", "notes");
  private static final String RUN = "it-modelstore-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir static Path work;

  private static ObjectStore store;
  private static ModelStore models;
  private static BaseModelFolder base;
  private static Path artifact;
  private static ObjectUri artifactUri;

  @BeforeAll
  static void uploadArtifact(StackEndpoints stack) throws Exception {
    store =
        ObjectStore.connect(
            StorageSettings.builder(stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey())
                .spoolDirectory(work)
                .build());
    store.ensureBuckets();
    models = new ModelStore(store, work.resolve("cache"));
    base = TinyModels.baseModel(work.resolve("base"), 5);
    Path dataset = TinyModels.dataset(work.resolve("data"), 48, 16, 0, 3);
    artifact = work.resolve("artifact");
    new FineTuner()
        .run(
            FineTuneSpec.builder(base.directory(), dataset, artifact, LABELS)
                .strategy(Strategy.LORA)
                .learningRate(1e-2)
                .maxSteps(6)
                .batchSize(8)
                .maxLength(32)
                .build());
    ObjectUri baseUri = ModelStore.baseModelUri(RUN);
    models.upload(base.directory(), baseUri, true);
    new ObjectMapper()
        .writeValue(
            artifact.resolve(ModelStore.MODEL_CARD_FILE).toFile(),
            Map.of("base_model", Map.of("name", RUN, "uri", baseUri.toString())));
    artifactUri = new ObjectUri(Buckets.MODELS, RUN + "/candidates/job-1/");
    models.upload(artifact, artifactUri, true);
  }

  @AfterAll
  static void cleanUp() {
    if (store != null) {
      store.deleteAll(Buckets.MODELS, RUN + "/");
      store.deleteAll(Buckets.MODELS, ModelStore.BASE_PREFIX + RUN + "/");
      store.close();
    }
  }

  @Test
  void loadsALoraArtifactFromTheStoreExactlyAsFromLocalFolders() throws IOException {
    List<Prediction> local;
    try (TextClassifier classifier = TextClassifier.load(artifact, base.directory(), null, 4)) {
      local = classifier.predict(TEXTS);
    }
    try (TextClassifier remote = models.loadClassifier(artifactUri, null, 4)) {
      List<Prediction> fetched = remote.predict(TEXTS);
      assertThat(remote.labels()).isEqualTo(LABELS);
      for (int i = 0; i < TEXTS.size(); i++) {
        assertThat(fetched.get(i).label()).isEqualTo(local.get(i).label());
        assertThat(fetched.get(i).probabilities()).containsExactly(local.get(i).probabilities());
      }
      List<TextClassifier.Analysis> analysed = remote.analyze(TEXTS);
      for (int i = 0; i < TEXTS.size(); i++) {
        assertThat(analysed.get(i).prediction().label()).isEqualTo(fetched.get(i).label());
        assertThat(analysed.get(i).embedding()).hasSize(TinyModels.config(10).hiddenSize());
        assertThat(analysed.get(i).tokenCount()).isGreaterThan(2);
      }
    }
  }

  @Test
  void reusesTheCachedCopyUntilTheFolderChanges() throws IOException {
    Path first = models.fetch(artifactUri);
    Path second = models.fetch(artifactUri);
    assertThat(second).isEqualTo(first);
    assertThat(first.resolve("labels.json")).exists();

    ObjectUri copy = new ObjectUri(Buckets.MODELS, RUN + "/candidates/job-2/");
    models.upload(artifact, copy, true);
    Path before = models.fetch(copy);
    Files.writeString(work.resolve("extra.txt"), "changed");
    store.put(Buckets.MODELS, copy.key("extra.txt"), work.resolve("extra.txt"));
    Path after = models.fetch(copy);
    assertThat(after).isNotEqualTo(before);
    assertThat(after.resolve("extra.txt")).hasContent("changed");
  }

  @Test
  void explainsMissingFoldersAndCards() throws IOException {
    assertThatThrownBy(() -> models.fetch(new ObjectUri(Buckets.MODELS, RUN + "/nothing/")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no objects under s3://tuneloop-models/" + RUN + "/nothing/");

    ObjectUri noCard = new ObjectUri(Buckets.MODELS, RUN + "/candidates/no-card/");
    try (var files = Files.list(artifact)) {
      for (Path file : files.toList()) {
        if (!file.getFileName().toString().equals(ModelStore.MODEL_CARD_FILE)) {
          store.put(Buckets.MODELS, noCard.key(file.getFileName().toString()), file);
        }
      }
    }
    assertThatThrownBy(() -> models.loadClassifier(noCard, null, 4))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no model_card.json naming its base");
  }

  @Test
  void parsesAndRejectsUris() {
    ObjectUri uri = ObjectUri.parse("s3://tuneloop-models/spam/candidates/j1");
    assertThat(uri.bucket()).isEqualTo("tuneloop-models");
    assertThat(uri.prefix()).isEqualTo("spam/candidates/j1/");
    assertThat(uri).hasToString("s3://tuneloop-models/spam/candidates/j1/");
    assertThatThrownBy(() -> ObjectUri.parse("http://x/y")).hasMessageContaining("s3://");
    assertThatThrownBy(() -> ObjectUri.parse("s3://bucket"))
        .hasMessageContaining("names no folder");
    assertThatThrownBy(() -> ModelStore.baseModelUri("../etc")).hasMessageContaining("base model");
  }
}
