package dev.tuneloop.evaluator.messaging;

import dev.tuneloop.evaluator.config.EvaluatorConfig;
import dev.tuneloop.evaluator.domain.CandidateEvaluator;
import dev.tuneloop.evaluator.domain.EvaluationStore;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs evaluations on one dedicated platform thread (libtorch keeps per-thread state; two models at
 * a time is what one evaluation needs), so the Kafka consumer acknowledges an event as soon as its
 * request is recorded. A job already queued is not queued twice. An evaluation that fails for an
 * infrastructure reason (MLflow, the object store or Kafka unreachable) is retried with back-off
 * and otherwise stays recorded, to be redone at the next start.
 */
@Singleton
public class EvaluationWorker {

  private static final Logger LOG = Logger.getLogger(EvaluationWorker.class);
  private static final Duration[] BACKOFF = {Duration.ofSeconds(5), Duration.ofSeconds(30)};

  private final CandidateEvaluator evaluator;
  private final ExecutorService executor;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();

  EvaluationWorker(CandidateEvaluator evaluator, EvaluatorConfig config) {
    this.evaluator = evaluator;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.queueCapacity()),
            r -> {
              Thread t = new Thread(r, "evaluation-worker");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Queues an evaluation unless the same job is queued or running.
   *
   * @return false if it was already queued
   * @throws RejectedExecutionException if the queue is full
   */
  public boolean submit(EvaluationStore.Request request) {
    String key = request.event().modelName() + "/" + request.event().jobId();
    if (!queued.add(key)) {
      return false;
    }
    try {
      executor.execute(
          () -> {
            try {
              run(request);
            } finally {
              queued.remove(key);
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      queued.remove(key);
      throw e;
    }
  }

  private void run(EvaluationStore.Request request) {
    String what = request.event().modelName() + " job " + request.event().jobId();
    for (int attempt = 0; ; attempt++) {
      try {
        long start = System.nanoTime();
        CandidateEvaluator.Outcome outcome = evaluator.evaluate(request);
        LOG.infof(
            "%s: %s in %d ms",
            what,
            outcome.name().toLowerCase(java.util.Locale.ROOT),
            (System.nanoTime() - start) / 1_000_000);
        return;
      } catch (RuntimeException e) {
        if (attempt >= BACKOFF.length) {
          LOG.errorf(
              e,
              "%s: evaluation failed %d times; its request stays recorded and is retried at the"
                  + " next start",
              what,
              attempt + 1);
          return;
        }
        LOG.warnf(e, "%s: evaluation failed, retrying in %s", what, BACKOFF[attempt]);
        try {
          Thread.sleep(BACKOFF[attempt].toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  void onStop(@Observes ShutdownEvent stop) throws InterruptedException {
    executor.shutdown();
    if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
      LOG.warn("an evaluation was still running at shutdown; it is redone at the next start");
      executor.shutdownNow();
    }
  }
}
