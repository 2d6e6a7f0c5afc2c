package dev.tuneloop.serving.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.ml.store.ObjectUri;
import dev.tuneloop.ml.tiny.TinyModels;
import dev.tuneloop.ml.train.FineTuneSpec;
import dev.tuneloop.ml.train.FineTuner;
import dev.tuneloop.ml.train.Strategy;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Tiny fine-tuned candidates in the real object store, laid out as the trainer writes them: a tiny
 * random base model under {@code base/<unique>/}, then head and LoRA candidates trained for a few
 * steps on the synthetic spam/ham data, each with a {@code model_card.json} naming its base and a
 * {@code reference_profile.json} with embedding projections.
 */
final class TinyCandidates {

  static final int PROJECTIONS = 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectStore store;
  private final Path work;
  private final String run;
  private Path baseDir;
  private Path dataDir;
  private ObjectUri baseUri;

  TinyCandidates(ObjectStore store, Path work, String run) {
    this.store = store;
    this.work = work;
    this.run = run;
  }

  /** Uploads the base model (once). */
  synchronized void prepareBase() throws IOException {
    if (baseUri != null) {
      return;
    }
    store.ensureBuckets();
    baseDir = work.resolve("base");
    TinyModels.baseModel(baseDir, 11);
    dataDir = TinyModels.dataset(work.resolve("data"), 160, 32, 32, 5);
    baseUri = ModelStore.baseModelUri("it-serving-base-" + run);
    new ModelStore(store, work.resolve("cache")).upload(baseDir, baseUri, false);
  }

  /**
   * Trains a candidate and uploads it to {@code s3://tuneloop-models/<model>/candidates/<job>/}.
   *
   * @return the artifact URI (with trailing slash)
   */
  synchronized String candidate(String model, String job, Strategy strategy, long seed)
      throws IOException, InterruptedException {
    prepareBase();
    Path out = work.resolve("out-" + model + "-" + job);
    FineTuneSpec spec =
        FineTuneSpec.builder(baseDir, dataDir, out, List.of("ham", "spam"))
            .strategy(strategy)
            .learningRate(strategy == Strategy.HEAD ? 5e-2 : 5e-3)
            .epochs(3)
            .maxSteps(30)
            .batchSize(16)
            .maxLength(32)
            .seed(seed)
            .build();
    new FineTuner().run(spec);
    ObjectNode card = JSON.createObjectNode();
    card.put("model_name", model);
    card.put("job_id", job);
    card.put("strategy", strategy.name().toLowerCase(java.util.Locale.ROOT));
    card.putArray("labels").add("ham").add("spam");
    ObjectNode base = card.putObject("base_model");
    base.put("name", "it-serving-base-" + run);
    base.put("uri", baseUri.toString());
    JSON.writeValue(out.resolve("model_card.json").toFile(), card);
    JSON.writeValue(out.resolve("reference_profile.json").toFile(), referenceProfile(seed));
    ObjectUri target = new ObjectUri(Buckets.MODELS, model + "/candidates/" + job + "/");
    new ModelStore(store, work.resolve("cache")).upload(out, target, false);
    return target.toString();
  }

  private static ObjectNode referenceProfile(long seed) {
    int dimension = TinyModels.config(100).hiddenSize();
    Random random = new Random(seed);
    ObjectNode profile = JSON.createObjectNode();
    profile.put("schema_version", 1);
    ObjectNode embedding = profile.putObject("embedding");
    embedding.put("dimension", dimension);
    embedding.put("projection_seed", seed);
    ArrayNode projections = embedding.putArray("projections");
    for (int k = 0; k < PROJECTIONS; k++) {
      double[] v = new double[dimension];
      double norm = 0;
      for (int i = 0; i < dimension; i++) {
        v[i] = random.nextGaussian();
        norm += v[i] * v[i];
      }
      ArrayNode row = projections.addArray();
      for (double x : v) {
        row.add(x / Math.sqrt(norm));
      }
    }
    return profile;
  }
}
