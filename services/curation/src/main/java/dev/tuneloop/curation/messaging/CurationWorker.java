package dev.tuneloop.curation.messaging;

import dev.tuneloop.curation.config.CurationConfig;
import dev.tuneloop.curation.domain.BatchStatus;
import dev.tuneloop.curation.domain.CurationPipeline;
import dev.tuneloop.curation.domain.DatasetRepository;
import dev.tuneloop.events.DataIngested;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectSummary;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs curation on one dedicated thread, so one batch (and so one dataset) is curated at a time and
 * the Kafka consumer can acknowledge an event as soon as its batch is recorded (a curation may take
 * longer than SmallRye's un-acked record limit). Batches still {@code RECEIVED} at startup
 * (acknowledged, then the process stopped) are queued again.
 */
@Singleton
public class CurationWorker {

  private static final Logger LOG = Logger.getLogger(CurationWorker.class);

  private final CurationPipeline pipeline;
  private final DatasetRepository repository;
  private final ExecutorService executor;

  CurationWorker(CurationPipeline pipeline, DatasetRepository repository, CurationConfig config) {
    this.pipeline = pipeline;
    this.repository = repository;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.queueCapacity()),
            r -> {
              Thread t = new Thread(r, "curation-worker");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Queues a batch.
   *
   * @throws RejectedExecutionException if the queue is full
   */
  public void submit(EventEnvelope<DataIngested> event) {
    executor.execute(() -> run(event));
  }

  private void run(EventEnvelope<DataIngested> event) {
    DataIngested batch = event.data();
    try {
      CurationPipeline.Outcome outcome = pipeline.curate(event);
      BatchStatus s = outcome.status();
      if (outcome.created()) {
        LOG.infof(
            "dataset %s: batch %s -> v%d (%d received, %d accepted, rejected %s)",
            batch.dataset(),
            batch.batchId(),
            s.version(),
            s.recordsReceived(),
            s.recordsAccepted(),
            s.rejectedByReason());
      } else {
        LOG.infof(
            "dataset %s: batch %s not curated again: %s%s",
            batch.dataset(),
            batch.batchId(),
            s.state(),
            s.error() == null ? " in v" + s.version() : " (" + s.error() + ")");
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "dataset %s: batch %s failed", batch.dataset(), batch.batchId());
      try {
        pipeline.recordFailure(batch, e);
      } catch (RuntimeException again) {
        e.addSuppressed(again);
        LOG.errorf(again, "cannot record the failure of batch %s", batch.batchId());
      }
    }
  }

  /** Re-queues batches that were acknowledged but not curated before the last stop. */
  void onStart(@Observes StartupEvent start) {
    Thread recovery =
        new Thread(
            () -> {
              try {
                for (String datasetPrefix : repository.store().listPrefixes(Buckets.DATASETS, "")) {
                  for (ObjectSummary o :
                      repository.store().list(Buckets.DATASETS, datasetPrefix + "batches/")) {
                    String name = o.key().substring(o.key().lastIndexOf('/') + 1);
                    String dataset = datasetPrefix.substring(0, datasetPrefix.length() - 1);
                    Optional<BatchStatus> status =
                        repository.batchStatus(dataset, name.replace(".json", ""));
                    if (status.isPresent() && status.get().state() == BatchStatus.State.RECEIVED) {
                      BatchStatus s = status.get();
                      LOG.infof("re-queueing batch %s of %s", s.batchId(), dataset);
                      submit(EventEnvelope.startLoop(toEvent(s), "tuneloop/curation"));
                    }
                  }
                }
              } catch (RuntimeException e) {
                LOG.errorf(e, "cannot look for batches left over from the last run");
              }
            },
            "curation-recovery");
    recovery.setDaemon(true);
    recovery.start();
  }

  private static DataIngested toEvent(BatchStatus s) {
    return new DataIngested(
        s.dataset(),
        s.batchId(),
        s.rawUri(),
        DataIngested.Format.valueOf(s.format().toUpperCase(java.util.Locale.ROOT)),
        DataIngested.Source.valueOf(s.source().toUpperCase(java.util.Locale.ROOT)),
        s.sizeBytes(),
        null,
        s.sha256(),
        s.receivedAt());
  }

  void onStop(@Observes ShutdownEvent stop) throws InterruptedException {
    executor.shutdown();
    if (!executor.awaitTermination(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)) {
      LOG.warn(
          "curation still running at shutdown; its batch stays RECEIVED and is redone on start");
      executor.shutdownNow();
    }
  }
}
