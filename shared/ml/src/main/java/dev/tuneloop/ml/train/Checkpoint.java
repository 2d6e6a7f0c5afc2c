package dev.tuneloop.ml.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tuneloop.ml.weights.Safetensors;
import dev.tuneloop.ml.weights.WeightTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A resumable snapshot of a run, one folder per step ({@code step-00000120}):
 *
 * <ul>
 *   <li>{@code trainable.safetensors}: the parameters being trained (the whole encoder and head for
 *       full; adapters and head for LoRA; the head alone for head);
 *   <li>{@code optimizer.safetensors}: AdamW's moments;
 *   <li>{@code best.safetensors}: the trainable parameters of the best evaluation so far, if any;
 *   <li>{@code state.json}: step, data position (epoch, update within the epoch), AdamW's update
 *       count, early-stopping state and the spec fingerprint.
 * </ul>
 *
 * <p>Random state needs no bytes: data order is drawn from {@code (seed, epoch)} and dropout from a
 * generator reseeded with {@code (seed, forward-pass index)} before every forward pass, so the
 * position determines every future random number.
 *
 * <p>A checkpoint is written to a temporary folder and renamed into place, so a crash never leaves
 * a half-written one; the two newest are kept.
 */
final class Checkpoint {

  static final String TRAINABLE_FILE = "trainable.safetensors";
  static final String OPTIMIZER_FILE = "optimizer.safetensors";
  static final String BEST_FILE = "best.safetensors";
  static final String STATE_FILE = "state.json";
  private static final Pattern NAME = Pattern.compile("step-(\\d{8})");
  private static final int KEEP = 2;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The bookkeeping a resumed run continues from. */
  record State(
      @JsonProperty("step") int step,
      @JsonProperty("epoch") int epoch,
      @JsonProperty("update_in_epoch") int updateInEpoch,
      @JsonProperty("optimizer_updates") int optimizerUpdates,
      @JsonProperty("best_metric") double bestMetric,
      @JsonProperty("best_epoch") int bestEpoch,
      @JsonProperty("evaluations_without_improvement") int evaluationsWithoutImprovement,
      @JsonProperty("epoch_loss_sum") double epochLossSum,
      @JsonProperty("epoch_loss_updates") int epochLossUpdates,
      @JsonProperty("last_epoch_loss") double lastEpochLoss,
      @JsonProperty("seed") long seed,
      @JsonProperty("spec_fingerprint") String specFingerprint) {}

  /** A checkpoint read back. */
  record Loaded(
      Path directory,
      State state,
      Map<String, WeightTensor> trainable,
      Map<String, WeightTensor> optimizer,
      Map<String, WeightTensor> best) {}

  private Checkpoint() {}

  static Path write(
      Path root,
      State state,
      List<WeightTensor> trainable,
      List<WeightTensor> optimizer,
      List<WeightTensor> best)
      throws IOException {
    Files.createDirectories(root);
    String name = String.format("step-%08d", state.step());
    Path target = root.resolve(name);
    Path staging = root.resolve(name + ".tmp");
    if (Files.exists(staging)) {
      deleteRecursively(staging);
    }
    Files.createDirectories(staging);
    Safetensors.write(staging.resolve(TRAINABLE_FILE), trainable);
    Safetensors.write(staging.resolve(OPTIMIZER_FILE), optimizer);
    if (best != null) {
      Safetensors.write(staging.resolve(BEST_FILE), best);
    }
    JSON.writeValue(staging.resolve(STATE_FILE).toFile(), state);
    if (Files.exists(target)) {
      deleteRecursively(target);
    }
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    prune(root);
    return target;
  }

  /** The newest complete checkpoint under {@code root}, if any. */
  static Optional<Loaded> latest(Path root) throws IOException {
    List<Path> complete = complete(root);
    if (complete.isEmpty()) {
      return Optional.empty();
    }
    Path directory = complete.get(complete.size() - 1);
    State state = JSON.readValue(directory.resolve(STATE_FILE).toFile(), State.class);
    Path bestFile = directory.resolve(BEST_FILE);
    return Optional.of(
        new Loaded(
            directory,
            state,
            Safetensors.read(directory.resolve(TRAINABLE_FILE)).tensors(),
            Safetensors.read(directory.resolve(OPTIMIZER_FILE)).tensors(),
            Files.isRegularFile(bestFile) ? Safetensors.read(bestFile).tensors() : null));
  }

  private static List<Path> complete(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        Matcher matcher = NAME.matcher(child.getFileName().toString());
        if (matcher.matches() && Files.isRegularFile(child.resolve(STATE_FILE))) {
          out.add(child);
        }
      }
    }
    out.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return out;
  }

  private static void prune(Path root) throws IOException {
    List<Path> complete = complete(root);
    for (int i = 0; i < complete.size() - KEEP; i++) {
      deleteRecursively(complete.get(i));
    }
  }

  static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
