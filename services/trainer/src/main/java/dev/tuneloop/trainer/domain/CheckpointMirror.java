package dev.tuneloop.trainer.domain;

import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.ObjectSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Copies a job's local checkpoints (the fine-tuning core's {@code step-NNNNNNNN/} folders) to
 * {@code s3://tuneloop-models/<model>/checkpoints/<job>/} and back, so a job whose worker died
 * resumes on any worker. A copy is complete once {@code latest.txt} names it (written last); older
 * copies are deleted after that.
 */
public final class CheckpointMirror {

  private static final Pattern STEP = Pattern.compile("step-(\\d{8})");
  private static final String LATEST = "latest.txt";

  private final ObjectStore store;
  private final String prefix;

  /** The mirror of one job. */
  public CheckpointMirror(ObjectStore store, String model, String jobId) {
    this.store = store;
    this.prefix = model + "/checkpoints/" + jobId + "/";
  }

  /** The folder URI, for logs. */
  public String uri() {
    return "s3://" + Buckets.MODELS + "/" + prefix;
  }

  /** Uploads a complete local checkpoint folder and makes it the latest. */
  public void upload(Path checkpointFolder) throws IOException {
    String name = checkpointFolder.getFileName().toString();
    if (!STEP.matcher(name).matches()) {
      throw new IllegalArgumentException("not a checkpoint folder: " + checkpointFolder);
    }
    String previous = latestName();
    try (Stream<Path> files = Files.list(checkpointFolder)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        store.put(Buckets.MODELS, prefix + name + "/" + file.getFileName(), file);
      }
    }
    store.put(Buckets.MODELS, prefix + LATEST, name.getBytes(StandardCharsets.UTF_8));
    if (previous != null && !previous.equals(name)) {
      store.deleteAll(Buckets.MODELS, prefix + previous + "/");
    }
  }

  /** The step of the latest uploaded checkpoint (0: none). */
  public int latestStep() {
    String name = latestName();
    return name == null ? 0 : stepOf(name);
  }

  /**
   * Makes sure the newest checkpoint (local or uploaded) is in {@code localRoot}: downloads the
   * uploaded one unless a local one at least as new is there.
   *
   * @return the step training will resume from (0: none)
   */
  public int restore(Path localRoot) throws IOException {
    int local = newestLocalStep(localRoot);
    String name = latestName();
    if (name == null || stepOf(name) <= local) {
      return local;
    }
    Path staging = localRoot.resolve(name + ".download");
    deleteRecursively(staging);
    Files.createDirectories(staging);
    for (ObjectSummary o : store.list(Buckets.MODELS, prefix + name + "/")) {
      String file = o.key().substring(o.key().lastIndexOf('/') + 1);
      store.get(Buckets.MODELS, o.key(), staging.resolve(file));
    }
    Path target = localRoot.resolve(name);
    deleteRecursively(target);
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    return stepOf(name);
  }

  /** Deletes every uploaded checkpoint of the job (after it ended). */
  public void deleteAll() {
    store.deleteAll(Buckets.MODELS, prefix);
  }

  /** The step of the newest complete local checkpoint (0: none). */
  public static int newestLocalStep(Path localRoot) throws IOException {
    if (!Files.isDirectory(localRoot)) {
      return 0;
    }
    try (Stream<Path> children = Files.list(localRoot)) {
      return children
          .filter(p -> STEP.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p.resolve("state.json")))
          .mapToInt(p -> stepOf(p.getFileName().toString()))
          .max()
          .orElse(0);
    }
  }

  private String latestName() {
    if (!store.exists(Buckets.MODELS, prefix + LATEST)) {
      return null;
    }
    String name =
        new String(store.getBytes(Buckets.MODELS, prefix + LATEST, 256), StandardCharsets.UTF_8)
            .trim();
    return STEP.matcher(name).matches() ? name : null;
  }

  private static int stepOf(String name) {
    Matcher m = STEP.matcher(name);
    if (!m.matches()) {
      throw new IllegalArgumentException(name);
    }
    return Integer.parseInt(m.group(1));
  }

  /** Deletes a folder and everything in it, if it exists. */
  public static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
