package dev.tuneloop.serving.domain;

import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.DeployedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The models this gateway serves, following {@code tuneloop.deployment.state}. Each new state is
 * applied on a loader thread: versions not yet loaded are loaded (once; a version that moves from
 * challenger to champion keeps its loaded copy), then the model's {@link Deployment} snapshot is
 * replaced in one step and versions no longer deployed are retired. Requests that hold the old
 * snapshot finish on it; a retired version closes after its last request.
 *
 * <p>States are applied in revision order; a state whose revision is not newer than the last one
 * seen for its model is ignored (redelivery, compaction replay).
 */
public final class DeployedModels implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(DeployedModels.class);

  /** Loads one model version. */
  @FunctionalInterface
  public interface ModelLoader {
    /**
     * Loads the version's artifact, ready to answer.
     *
     * @throws Exception with a message that says what is wrong (it is shown to callers)
     */
    BatchModel load(String modelName, DeployedModel model) throws Exception;
  }

  /** Where a model stands. */
  public enum Status {
    /** No deployment state seen for this model. */
    UNKNOWN,
    /** A state was seen; its versions are being loaded, nothing can answer yet. */
    LOADING,
    /** At least one version answers. */
    READY,
    /** The state names no version (nothing deployed). */
    NOT_DEPLOYED,
    /** Loading failed and no earlier version is loaded. */
    FAILED
  }

  /**
   * A model's status.
   *
   * @param status where it stands
   * @param deployment what answers, when anything does
   * @param lastError why the last load failed, if it did
   * @param pendingRevision the newest revision seen but not applied yet, if any
   */
  public record ModelStatus(
      Status status,
      @Nullable Deployment deployment,
      @Nullable String lastError,
      @Nullable Long pendingRevision) {}

  private static final class Entry {
    volatile @Nullable Deployment current;
    volatile long seenRevision = -1;
    volatile long appliedRevision = -1;
    volatile @Nullable String lastError;
  }

  private final ModelLoader loader;
  private final BatchingSettings batching;
  private final Pattern modelFilter;
  private final IntConsumer batchSizes;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final ExecutorService loaderThread;

  /**
   * @param loader loads model versions
   * @param batching settings of each version's batcher
   * @param modelFilter only models whose name matches are served (others are ignored)
   * @param batchSizes told every batch size (metrics)
   */
  public DeployedModels(
      ModelLoader loader, BatchingSettings batching, Pattern modelFilter, IntConsumer batchSizes) {
    this.loader = loader;
    this.batching = batching;
    this.modelFilter = modelFilter;
    this.batchSizes = batchSizes;
    // One platform thread: loads are heavy, and applying in arrival order keeps revisions ordered.
    this.loaderThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "model-loader");
              t.setDaemon(true);
              return t;
            });
  }

  /** Whether this gateway serves the model (its name matches the filter). */
  public boolean accepts(String modelName) {
    return modelFilter.matcher(modelName).matches();
  }

  /**
   * Takes a new deployment state; loading happens on the loader thread.
   *
   * @param correlationId the state event's correlation id
   * @return false if the state was ignored: filtered out, or not newer than one already seen
   */
  public boolean offer(DeploymentState state, String correlationId) {
    if (!accepts(state.modelName())) {
      return false;
    }
    Entry entry = entries.computeIfAbsent(state.modelName(), name -> new Entry());
    synchronized (entry) {
      if (state.revision() <= entry.seenRevision) {
        return false;
      }
      entry.seenRevision = state.revision();
    }
    loaderThread.execute(() -> apply(entry, state, correlationId));
    return true;
  }

  /** Applies a state synchronously (the loader thread's work). */
  private void apply(Entry entry, DeploymentState state, String correlationId) {
    if (state.revision() < entry.seenRevision) {
      LOG.debugf(
          "skipping revision %s of %s: revision %s is already waiting",
          (Object) state.revision(), state.modelName(), (Object) entry.seenRevision);
      return;
    }
    Deployment old = entry.current;
    List<ModelHandle> loaded = new ArrayList<>();
    try {
      ModelHandle champion = handleFor(state, state.champion(), old, loaded);
      ModelHandle challenger = handleFor(state, state.challenger(), old, loaded);
      Deployment next =
          new Deployment(
              state.modelName(),
              state.revision(),
              correlationId,
              champion,
              challenger,
              state.mode(),
              state.challengerWeight());
      entry.current = next;
      entry.appliedRevision = state.revision();
      entry.lastError = null;
      if (old != null) {
        for (ModelHandle handle : old.handles()) {
          if (!next.handles().contains(handle)) {
            handle.retire();
          }
        }
      }
      LOG.infof(
          "%s revision %d: champion %s, challenger %s, mode %s, challenger weight %.3f",
          state.modelName(),
          state.revision(),
          champion,
          challenger,
          state.mode(),
          state.challengerWeight());
    } catch (Exception e) {
      loaded.forEach(ModelHandle::retire);
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      entry.lastError = "revision " + state.revision() + " could not be loaded: " + reason;
      LOG.errorf(e, "%s: %s", state.modelName(), entry.lastError);
    }
  }

  private @Nullable ModelHandle handleFor(
      DeploymentState state,
      @Nullable DeployedModel wanted,
      @Nullable Deployment old,
      List<ModelHandle> loaded)
      throws Exception {
    if (wanted == null) {
      return null;
    }
    if (old != null) {
      for (ModelHandle handle : old.handles()) {
        if (handle.serves(wanted.version(), wanted.artifactUri())) {
          return handle;
        }
      }
    }
    for (ModelHandle handle : loaded) {
      if (handle.serves(wanted.version(), wanted.artifactUri())) {
        return handle;
      }
    }
    long start = System.nanoTime();
    BatchModel model = loader.load(state.modelName(), wanted);
    String name = state.modelName() + "-v" + wanted.version();
    DynamicBatcher<String, ModelOutput> batcher;
    try {
      batcher =
          new DynamicBatcher<>(
              name,
              model::infer,
              batching.maxBatchSize(),
              batching.maxWait(),
              batching.maxQueue(),
              batching.workers(),
              batchSizes);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    ModelHandle handle = new ModelHandle(wanted.version(), wanted.artifactUri(), model, batcher);
    loaded.add(handle);
    LOG.infof(
        "loaded %s version %s from %s in %d ms",
        state.modelName(),
        wanted.version(),
        wanted.artifactUri(),
        (System.nanoTime() - start) / 1_000_000);
    return handle;
  }

  /** What answers for the model now, if anything does. */
  public Optional<Deployment> deployment(String modelName) {
    Entry entry = entries.get(modelName);
    Deployment current = entry == null ? null : entry.current;
    return current != null && current.serving() ? Optional.of(current) : Optional.empty();
  }

  /** Where the model stands. */
  public ModelStatus status(String modelName) {
    Entry entry = entries.get(modelName);
    if (entry == null) {
      return new ModelStatus(Status.UNKNOWN, null, null, null);
    }
    Deployment current = entry.current;
    Long pending = entry.seenRevision > entry.appliedRevision ? entry.seenRevision : null;
    Status status;
    if (current != null && current.serving()) {
      status = Status.READY;
    } else if (entry.lastError != null) {
      status = Status.FAILED;
    } else if (current != null) {
      status = Status.NOT_DEPLOYED;
    } else {
      status = Status.LOADING;
    }
    return new ModelStatus(status, current, entry.lastError, pending);
  }

  /** The names of the models with a deployment state. */
  public List<String> modelNames() {
    return List.copyOf(entries.keySet());
  }

  /** Stops loading and closes every loaded version (after the requests running on it). */
  @Override
  public void close() {
    loaderThread.shutdownNow();
    try {
      loaderThread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Entry entry : entries.values()) {
      Deployment current = entry.current;
      entry.current = null;
      if (current != null) {
        current.handles().forEach(ModelHandle::retire);
      }
    }
  }
}
