package dev.tuneloop.serving.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Records predictions without ever delaying or failing the answer: {@link #record} only offers to a
 * bounded queue (a full queue drops the prediction and counts it), and a background thread hands
 * batches to the {@link Sink}. A sink failure is counted and logged, never thrown at a caller.
 */
public final class PredictionLog implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PredictionLog.class);

  /** Where batches of predictions go (Kafka in production). */
  @FunctionalInterface
  public interface Sink {
    /**
     * Sends a batch; may return before delivery. Delivery failures are reported through {@code
     * failed}.
     */
    void send(List<LoggedPrediction> batch, Runnable failed);
  }

  private final Sink sink;
  private final BlockingQueue<LoggedPrediction> queue;
  private final int maxBatch;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong handedOver = new AtomicLong();
  private final Thread drainer;
  private volatile boolean closed;

  /**
   * Starts the background thread.
   *
   * @param sink where batches go
   * @param capacity most predictions waiting; more are dropped and counted
   * @param maxBatch most predictions per hand-over
   */
  public PredictionLog(Sink sink, int capacity, int maxBatch) {
    if (capacity < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("capacity and maxBatch must be positive");
    }
    this.sink = sink;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.maxBatch = maxBatch;
    this.drainer = new Thread(this::run, "prediction-log");
    drainer.setDaemon(true);
    drainer.start();
  }

  /** Queues a prediction; never blocks, never throws. */
  public void record(LoggedPrediction prediction) {
    if (closed || !queue.offer(prediction)) {
      long total = dropped.incrementAndGet();
      if (Long.bitCount(total) == 1) {
        // powers of two: visible in the log without flooding it
        LOG.warnf("prediction log is full: %d predictions dropped so far", total);
      }
    }
  }

  /** Predictions dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Predictions the sink failed to deliver. */
  public long failed() {
    return failed.get();
  }

  /** Predictions handed to the sink. */
  public long handedOver() {
    return handedOver.get();
  }

  /** Predictions waiting. */
  public int queued() {
    return queue.size();
  }

  private void run() {
    List<LoggedPrediction> batch = new ArrayList<>(maxBatch);
    while (!closed || !queue.isEmpty()) {
      try {
        LoggedPrediction first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        send(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void send(List<LoggedPrediction> batch) {
    try {
      sink.send(List.copyOf(batch), failed::incrementAndGet);
      handedOver.addAndGet(batch.size());
    } catch (RuntimeException e) {
      failed.addAndGet(batch.size());
      LOG.errorf(e, "could not hand %d predictions to the sink", batch.size());
    }
  }

  /** Hands over what is queued (waits up to {@code timeout}), then stops. */
  public void close(Duration timeout) {
    closed = true;
    try {
      drainer.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
