package dev.tuneloop.ml.train;

import dev.tuneloop.ml.metrics.ClassificationMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fine-tuning entry point: {@code run(spec) -> result}.
 *
 * <p>Each run executes on a new dedicated platform thread: libtorch keeps autograd mode per native
 * thread, and a virtual thread may hop between carrier threads mid-step. Runs are serialised per
 * JVM because DJL's gradient collector is process-global; a second concurrent call waits.
 * Interrupting the calling thread requests cancellation: the run stops at the next forward pass
 * (after a checkpoint, if enabled) and {@code run} throws {@link TrainingCancelledException}.
 */
public final class FineTuner {

  private static final ReentrantLock ONE_RUN_PER_JVM = new ReentrantLock(true);

  /** Runs a spec without progress reporting. */
  public FineTuneResult run(FineTuneSpec spec) throws IOException, InterruptedException {
    return run(spec, TrainingListener.NONE);
  }

  /**
   * Fine-tunes a model as {@code spec} says and writes it to {@code spec.output()}. If the spec's
   * checkpoint folder holds a checkpoint of the same settings, the run resumes from it.
   *
   * @throws IOException if reading the base model or dataset or writing results fails
   * @throws InterruptedException if interrupted while waiting for another run to finish
   * @throws TrainingCancelledException if cancelled through the listener or by interruption
   * @throws IllegalArgumentException if the spec does not fit the data or model
   */
  public FineTuneResult run(FineTuneSpec spec, TrainingListener listener)
      throws IOException, InterruptedException {
    ONE_RUN_PER_JVM.lockInterruptibly();
    try {
      AtomicBoolean interrupted = new AtomicBoolean();
      TrainingListener guarded = new CancellableListener(listener, interrupted);
      FutureTask<FineTuneResult> task =
          new FutureTask<>(() -> new TrainingSession(spec, guarded).run());
      Thread thread = new Thread(task, "tuneloop-training");
      thread.start();
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          // Ask the run to stop and wait for it: native state must not be torn down mid-step.
          interrupted.set(true);
          try {
            return awaitUninterruptibly(task);
          } finally {
            Thread.currentThread().interrupt();
          }
        } catch (ExecutionException e) {
          throw unwrap(e);
        }
      }
    } finally {
      ONE_RUN_PER_JVM.unlock();
    }
  }

  private static FineTuneResult awaitUninterruptibly(FutureTask<FineTuneResult> task)
      throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw unwrap(e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static IOException unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof UncheckedIOException io) {
      return io.getCause();
    }
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    throw new IllegalStateException("Fine-tuning failed", cause);
  }

  /** Adds cancellation by interruption of the caller to a listener. */
  private record CancellableListener(TrainingListener delegate, AtomicBoolean interrupted)
      implements TrainingListener {
    @Override
    public void onProgress(TrainingProgress progress) {
      delegate.onProgress(progress);
    }

    @Override
    public void onEvaluation(int epoch, int step, ClassificationMetrics validation) {
      delegate.onEvaluation(epoch, step, validation);
    }

    @Override
    public void onCheckpoint(int step, Path directory) {
      delegate.onCheckpoint(step, directory);
    }

    @Override
    public boolean cancelRequested() {
      return interrupted.get() || delegate.cancelRequested();
    }
  }
}
