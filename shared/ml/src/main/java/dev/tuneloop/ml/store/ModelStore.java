package dev.tuneloop.ml.store;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.ml.inference.InferenceEngine;
import dev.tuneloop.ml.inference.OrtOptions;
import dev.tuneloop.ml.inference.TextClassifier;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.ModelArtifact;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.ObjectSummary;
import dev.tuneloop.storage.WriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Model folders (base models, fine-tuned artifacts, checkpoints) in the object store, and a local
 * cache of them.
 *
 * <p>Layout: base models under {@code s3://tuneloop-models/base/<name>/} ({@code config.json},
 * {@code tokenizer.json}, {@code model.safetensors}); fine-tuned artifacts wherever their URI says
 * (the trainer writes {@code s3://tuneloop-models/<model>/candidates/<job>/}). An artifact without
 * {@code model.safetensors} (head or LoRA fine-tuning) names its base model in {@code
 * model_card.json} ({@code base_model.uri}).
 *
 * <p>The cache keeps one folder per URI under its root, keyed by the SHA-256 of the URI and the
 * listing's entity tags, so a folder rewritten in the store is downloaded again and an unchanged
 * one never is. Downloads go to a temporary folder that is moved into place when complete, so an
 * interrupted download leaves nothing a later call would trust.
 */
public final class ModelStore {

  private static final Logger LOG = Logger.getLogger(ModelStore.class);

  /** Key prefix of base models in {@link Buckets#MODELS}. */
  public static final String BASE_PREFIX = "base/";

  /** The model card file of an artifact. */
  public static final String MODEL_CARD_FILE = "model_card.json";

  private final ObjectStore store;
  private final Path cacheRoot;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * @param store the object store
   * @param cacheRoot local folder for downloaded model folders (created when needed)
   */
  public ModelStore(ObjectStore store, Path cacheRoot) {
    this.store = Objects.requireNonNull(store, "store");
    this.cacheRoot = cacheRoot.toAbsolutePath();
  }

  /** Where the base model {@code name} lives: {@code s3://tuneloop-models/base/<name>/}. */
  public static ObjectUri baseModelUri(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException(
          "base model name must be 1-128 letters, digits, '.', '_' or '-', was '" + name + "'");
    }
    return new ObjectUri(Buckets.MODELS, BASE_PREFIX + name + "/");
  }

  /** The object store this reads from and writes to. */
  public ObjectStore objectStore() {
    return store;
  }

  /** Whether the folder holds at least one object with the given file name. */
  public boolean contains(ObjectUri folder, String fileName) {
    return store.exists(folder.bucket(), folder.key(fileName));
  }

  /**
   * Uploads every regular file under {@code folder} (sub-folders included) to {@code target}.
   *
   * @param writeOnce true to refuse replacing an object with different content ({@link
   *     ObjectStore#putIfAbsent}); repeating an identical upload is then harmless
   * @return the keys written, in upload order
   */
  public List<String> upload(Path folder, ObjectUri target, boolean writeOnce) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    List<String> keys = new ArrayList<>();
    for (Path file : files) {
      String relative = folder.relativize(file).toString().replace('\\', '/');
      String key = target.key(relative);
      if (writeOnce) {
        store.putIfAbsent(target.bucket(), key, file, WriteOptions.DEFAULT);
      } else {
        store.put(target.bucket(), key, file);
      }
      keys.add(key);
    }
    return keys;
  }

  /**
   * A local copy of a folder in the store, downloaded on first use.
   *
   * @throws IOException if the folder is empty or missing in the store, or cannot be written
   */
  public synchronized Path fetch(ObjectUri folder) throws IOException {
    List<ObjectSummary> objects = store.list(folder.bucket(), folder.prefix());
    if (objects.isEmpty()) {
      throw new IOException("no objects under " + folder);
    }
    Path target = cacheRoot.resolve(cacheKey(folder, objects));
    if (Files.isDirectory(target)) {
      return target;
    }
    Files.createDirectories(cacheRoot);
    Path partial = cacheRoot.resolve(".partial-" + UUID.randomUUID());
    try {
      for (ObjectSummary object : objects) {
        String relative = object.key().substring(folder.prefix().length());
        if (relative.isEmpty() || relative.endsWith("/")) {
          continue;
        }
        Path file = partial.resolve(relative).normalize();
        if (!file.startsWith(partial)) {
          throw new IOException("object key escapes its folder: " + object.key());
        }
        store.get(object.bucket(), object.key(), file);
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException
          | DirectoryNotEmptyException
          | AtomicMoveNotSupportedException e) {
        if (!Files.isDirectory(target)) {
          throw e;
        }
      }
      LOG.debugf("downloaded %s (%d objects) to %s", folder, objects.size(), target);
      return target;
    } finally {
      deleteRecursively(partial);
    }
  }

  /**
   * Downloads a fine-tuned artifact (and, for head or LoRA artifacts, the base model its card
   * names) and loads it for inference exactly as serving does: LoRA adapters merged.
   *
   * @param artifact the artifact folder
   * @param device where to run (null: the engine's default)
   * @param batchSize texts per forward pass
   * @throws IOException if a file is missing or inconsistent (the message names it)
   */
  public TextClassifier loadClassifier(ObjectUri artifact, Device device, int batchSize)
      throws IOException {
    return loadClassifier(artifact, device, batchSize, InferenceEngine.DJL, OrtOptions.defaults());
  }

  /**
   * Like {@link #loadClassifier(ObjectUri, Device, int)}, on the given engine ({@link
   * OrtOptions#defaults()} for ONNX Runtime).
   */
  public TextClassifier loadClassifier(
      ObjectUri artifact, Device device, int batchSize, InferenceEngine engine) throws IOException {
    return loadClassifier(artifact, device, batchSize, engine, OrtOptions.defaults());
  }

  /**
   * Downloads a fine-tuned artifact (and, for head or LoRA artifacts, its base model) and loads it
   * on the given engine: see {@link TextClassifier#load(Path, Path, Device, int, InferenceEngine,
   * OrtOptions)}.
   *
   * @throws IOException if a file is missing or inconsistent (the message names it)
   */
  public TextClassifier loadClassifier(
      ObjectUri artifact,
      Device device,
      int batchSize,
      InferenceEngine engine,
      OrtOptions ortOptions)
      throws IOException {
    Path local = fetch(artifact);
    Path base = null;
    if (!ModelArtifact.hasFullWeights(local)) {
      base = fetch(baseModelOf(local, artifact));
      BaseModelFolder.open(base);
    }
    return TextClassifier.load(local, base, device, batchSize, engine, ortOptions);
  }

  /**
   * The base model an artifact folder was trained from, from its {@code model_card.json} ({@code
   * base_model.uri}).
   *
   * @throws IOException if the card is missing or names no base model URI
   */
  public ObjectUri baseModelOf(Path localArtifact, ObjectUri artifact) throws IOException {
    Path card = localArtifact.resolve(MODEL_CARD_FILE);
    if (!Files.isRegularFile(card)) {
      throw new IOException(
          artifact + " holds no model.safetensors and no " + MODEL_CARD_FILE + " naming its base");
    }
    JsonNode uri = json.readTree(card.toFile()).path("base_model").path("uri");
    if (!uri.isTextual() || uri.asText().isBlank()) {
      throw new IOException(artifact + MODEL_CARD_FILE + " has no base_model.uri");
    }
    try {
      return ObjectUri.parse(uri.asText());
    } catch (IllegalArgumentException e) {
      throw new IOException(artifact + MODEL_CARD_FILE + ": " + e.getMessage(), e);
    }
  }

  private static String cacheKey(ObjectUri folder, List<ObjectSummary> objects) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(folder.toString().getBytes(StandardCharsets.UTF_8));
      for (ObjectSummary object : objects) {
        digest.update(
            (object.key() + "\n" + object.etag() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      LOG.warnf("could not remove %s: %s", directory, e.getMessage());
    }
  }
}
