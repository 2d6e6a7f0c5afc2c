package dev.tuneloop.serving.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Collects single requests into batches for one model: a dedicated platform thread (or several,
 * each running its own forward passes) takes the first waiting request, adds whatever else is
 * queued, waits at most {@code maxWait} for more while the batch is smaller than {@code maxBatch},
 * then runs one forward pass for all of them.
 *
 * <p>At low load a request waits at most {@code maxWait}; under load, requests that arrive during a
 * forward pass form the next batch without waiting at all. The queue is bounded: a full queue
 * rejects at once ({@link Overloaded}) rather than letting latency grow without limit.
 *
 * <p>The worker is a platform thread on purpose: libtorch keeps its grad mode per native thread.
 *
 * @param <I> a request
 * @param <O> its answer
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(DynamicBatcher.class);

  /** Thrown (in the future) when the queue is full. */
  public static final class Overloaded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Overloaded(String message) {
      super(message);
    }
  }

  private record Pending<I, O>(I input, CompletableFuture<O> answer) {}

  private final String name;
  private final Function<List<I>, List<O>> forward;
  private final int maxBatch;
  private final long maxWaitNanos;
  private final BlockingQueue<Pending<I, O>> queue;
  private final IntConsumer batchSizes;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  /** One worker thread: one forward pass at a time. */
  public DynamicBatcher(
      String name,
      Function<List<I>, List<O>> forward,
      int maxBatch,
      Duration maxWait,
      int maxQueue,
      IntConsumer batchSizes) {
    this(name, forward, maxBatch, maxWait, maxQueue, 1, batchSizes);
  }

  /**
   * Starts the worker threads.
   *
   * @param name names the threads (e.g. the model and version)
   * @param forward answers a batch, one output per input in order; must be thread-safe when {@code
   *     workers > 1}
   * @param maxBatch most requests per forward pass
   * @param maxWait longest a request waits for others to join its batch
   * @param maxQueue most requests waiting; more are rejected
   * @param workers forward passes that may run at the same time (model instances, as Triton's
   *     instance count)
   * @param batchSizes told the size of every batch run (metrics)
   */
  public DynamicBatcher(
      String name,
      Function<List<I>, List<O>> forward,
      int maxBatch,
      Duration maxWait,
      int maxQueue,
      int workers,
      IntConsumer batchSizes) {
    if (maxBatch < 1 || maxQueue < 1 || workers < 1 || maxWait.isNegative()) {
      throw new IllegalArgumentException(
          "maxBatch, maxQueue and workers must be positive, maxWait >= 0");
    }
    this.name = name;
    this.forward = forward;
    this.maxBatch = maxBatch;
    this.maxWaitNanos = maxWait.toNanos();
    this.queue = new ArrayBlockingQueue<>(maxQueue);
    this.batchSizes = batchSizes;
    for (int i = 0; i < workers; i++) {
      Thread worker = new Thread(this::run, "batcher-" + name + "-" + i);
      worker.setDaemon(true);
      this.workers.add(worker);
    }
    this.workers.forEach(Thread::start);
  }

  /**
   * Queues one request.
   *
   * @return its answer; completes exceptionally with {@link Overloaded} when the queue is full, or
   *     with the forward pass's exception
   */
  public CompletableFuture<O> submit(I input) {
    CompletableFuture<O> answer = new CompletableFuture<>();
    if (closed) {
      answer.completeExceptionally(new IllegalStateException("batcher " + name + " is closed"));
    } else if (!queue.offer(new Pending<>(input, answer))) {
      answer.completeExceptionally(
          new Overloaded(name + " has " + queue.size() + " requests waiting; try again later"));
    }
    return answer;
  }

  /** Requests waiting for a forward pass. */
  public int queued() {
    return queue.size();
  }

  private void run() {
    List<Pending<I, O>> batch = new ArrayList<>(maxBatch);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - batch.size());
        long deadline = System.nanoTime() + maxWaitNanos;
        while (batch.size() < maxBatch) {
          long remaining = deadline - System.nanoTime();
          Pending<I, O> next =
              remaining > 0 ? queue.poll(remaining, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          batch.add(next);
          queue.drainTo(batch, maxBatch - batch.size());
        }
        execute(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
    // Only reached at close: anything still queued cannot be answered any more.
    Pending<I, O> left;
    while ((left = queue.poll()) != null) {
      left.answer().completeExceptionally(new IllegalStateException(name + " was closed"));
    }
  }

  private void execute(List<Pending<I, O>> batch) {
    // A caller that gave up (timeout) cancelled its future: no need to compute its answer.
    batch.removeIf(p -> p.answer().isDone());
    if (batch.isEmpty()) {
      return;
    }
    List<I> inputs = new ArrayList<>(batch.size());
    for (Pending<I, O> p : batch) {
      inputs.add(p.input());
    }
    try {
      List<O> outputs = forward.apply(inputs);
      if (outputs.size() != inputs.size()) {
        throw new IllegalStateException(
            "forward pass returned " + outputs.size() + " answers for " + inputs.size());
      }
      batchSizes.accept(inputs.size());
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).answer().complete(outputs.get(i));
      }
    } catch (RuntimeException | Error e) {
      LOG.errorf(e, "forward pass of %s failed for a batch of %d", name, inputs.size());
      for (Pending<I, O> p : batch) {
        p.answer().completeExceptionally(e);
      }
    }
  }

  /**
   * Stops taking requests, answers those already queued, then stops the worker (waits up to 30 s).
   */
  @Override
  public void close() {
    closed = true;
    for (Thread worker : workers) {
      if (worker == Thread.currentThread()) {
        continue; // its loop ends by itself once the queue is empty
      }
      try {
        worker.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
