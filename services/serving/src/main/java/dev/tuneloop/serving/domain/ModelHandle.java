package dev.tuneloop.serving.domain;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One loaded model version with its batcher, shared by every request routed to it and
 * reference-counted so a swap never pulls a model from under a request: the deployment holds one
 * reference, each request one more while it runs. {@link #retire()} drops the deployment's
 * reference; the model is closed when the last request finishes.
 */
public final class ModelHandle {

  private static final Logger LOG = Logger.getLogger(ModelHandle.class);

  private final String version;
  private final String artifactUri;
  private final BatchModel model;
  private final DynamicBatcher<String, ModelOutput> batcher;
  private final AtomicInteger references = new AtomicInteger(1);
  private final AtomicBoolean retired = new AtomicBoolean();

  /**
   * @param version the MLflow model version
   * @param artifactUri where it was loaded from
   * @param model the loaded model (owned: closed with the handle)
   * @param batcher the batcher in front of it (owned)
   */
  public ModelHandle(
      String version,
      String artifactUri,
      BatchModel model,
      DynamicBatcher<String, ModelOutput> batcher) {
    this.version = version;
    this.artifactUri = artifactUri;
    this.model = model;
    this.batcher = batcher;
  }

  /** The MLflow model version. */
  public String version() {
    return version;
  }

  /** Where the artifact was loaded from. */
  public String artifactUri() {
    return artifactUri;
  }

  /** The model, e.g. for its labels. */
  public BatchModel model() {
    return model;
  }

  /** Whether this handle serves the given version from the given artifact. */
  public boolean serves(String version, String artifactUri) {
    return this.version.equals(version) && this.artifactUri.equals(artifactUri);
  }

  /**
   * Takes a reference for one request.
   *
   * @return false when the handle is already closed (the caller reads the deployment again)
   */
  public boolean tryAcquire() {
    while (true) {
      int current = references.get();
      if (current == 0) {
        return false;
      }
      if (references.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Gives back a reference taken by {@link #tryAcquire()}. */
  public void release() {
    if (references.decrementAndGet() == 0) {
      closeNow();
    }
  }

  /** Drops the deployment's reference (once); the model closes after its last request. */
  public void retire() {
    if (retired.compareAndSet(false, true)) {
      release();
    }
  }

  /** Whether the model has been closed. */
  public boolean closed() {
    return references.get() == 0;
  }

  /** Queues one text on the batcher; the caller holds a reference. */
  public CompletableFuture<ModelOutput> submit(String text) {
    return batcher.submit(text);
  }

  private void closeNow() {
    // The last release often runs on the batcher's own thread (a request's completion callback):
    // closing there would make the batcher wait for itself. Close on a thread of its own.
    Thread closer =
        new Thread(
            () -> {
              LOG.infof("closing model version %s (%s)", version, artifactUri);
              batcher.close();
              model.close();
            },
            "close-" + version);
    closer.setDaemon(true);
    closer.start();
  }

  @Override
  public String toString() {
    return "version " + version + " (" + artifactUri + ")";
  }
}
