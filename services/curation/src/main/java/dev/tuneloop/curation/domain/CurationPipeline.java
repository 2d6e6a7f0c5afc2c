package dev.tuneloop.curation.domain;

import dev.tuneloop.events.DataIngested;
import dev.tuneloop.events.DatasetCurated;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.storage.ObjectStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * From a {@code tuneloop.data.ingested} event to a published dataset version: idempotency check,
 * index, curation, version files, MLflow run, {@code tuneloop.dataset.curated}, batch status. One
 * batch at a time (the caller runs it on a single worker thread); indexes are cached per dataset
 * and reloaded when the stored versions moved on or a curation failed half-way.
 */
public final class CurationPipeline {

  /** Records a version in experiment tracking. */
  @FunctionalInterface
  public interface VersionTracker {
    /**
     * Logs the version and returns the run id.
     *
     * @throws RuntimeException when tracking is unavailable (the version stands without a run)
     */
    String track(DatasetRepository.WrittenVersion version);
  }

  /** Publishes {@code tuneloop.dataset.curated}. */
  @FunctionalInterface
  public interface CuratedPublisher {
    /** Sends the event and waits for the broker's acknowledgement. */
    void publish(EventEnvelope<DatasetCurated> event);
  }

  /**
   * What happened to a batch.
   *
   * @param status its final status
   * @param created whether a new version was written (false for a repeated batch)
   */
  public record Outcome(BatchStatus status, boolean created) {}

  private static final System.Logger LOG = System.getLogger(CurationPipeline.class.getName());

  private final DatasetRepository repository;
  private final Function<String, CurationPolicy> policies;
  private final VersionTracker tracker;
  private final CuratedPublisher publisher;
  private final String eventSource;
  private final Map<String, CachedIndex> indexes = new HashMap<>();

  private record CachedIndex(DatasetIndex index, int version, MinHashSettings settings) {}

  /**
   * A pipeline.
   *
   * @param policies the curation policy of each dataset
   * @param eventSource CloudEvents source of the events it publishes, e.g. {@code
   *     tuneloop/curation}
   */
  public CurationPipeline(
      DatasetRepository repository,
      Function<String, CurationPolicy> policies,
      VersionTracker tracker,
      CuratedPublisher publisher,
      String eventSource) {
    this.repository = repository;
    this.policies = policies;
    this.tracker = tracker;
    this.publisher = publisher;
    this.eventSource = eventSource;
  }

  /** Curates the batch of {@code event} unless it was curated before. */
  public synchronized Outcome curate(EventEnvelope<DataIngested> event) {
    DataIngested batch = event.data();
    String dataset = batch.dataset();
    BatchStatus status =
        repository.batchStatus(dataset, batch.batchId()).orElseGet(() -> received(batch));
    if (status.state() == BatchStatus.State.CURATED) {
      return new Outcome(status, false);
    }
    List<Integer> versions = repository.versions(dataset);
    int latest = versions.isEmpty() ? 0 : versions.get(versions.size() - 1);
    Manifest previous = latest == 0 ? null : repository.manifest(dataset, latest).orElseThrow();
    if (previous != null && previous.lineage().contains(batch.batchId())) {
      // Curated before, but the status write was lost (crash): find the version that has it.
      int version = latest;
      for (int i = versions.size() - 1; i >= 0; i--) {
        Optional<Manifest> m = repository.manifest(dataset, versions.get(i));
        if (m.isPresent()
            && m.get().batches().stream().anyMatch(b -> b.batchId().equals(batch.batchId()))) {
          version = versions.get(i);
        }
      }
      BatchStatus done = status.with(BatchStatus.State.CURATED, version, null, null, null, null);
      repository.saveBatchStatus(done);
      return new Outcome(done, false);
    }
    CurationPolicy policy = policies.apply(dataset);
    int version = latest + 1;
    BatchCuration curation;
    DatasetRepository.WrittenVersion written;
    try {
      DatasetIndex index = index(dataset, latest, policy);
      try (ObjectStream raw = repository.openRaw(batch.rawUri())) {
        RecordReader reader =
            RecordReader.open(
                RecordReader.Format.valueOf(batch.format().name()), raw, policy.limits());
        curation = new Curator(policy).curate(index, reader, version);
      }
      written =
          repository.writeVersion(
              dataset, manifest(dataset, version, previous, batch, curation, policy), curation);
      indexes.put(dataset, new CachedIndex(index, version, policy.minHash()));
    } catch (MalformedBatchException e) {
      indexes.remove(dataset);
      BatchStatus failed =
          status.with(BatchStatus.State.FAILED, null, null, null, null, e.getMessage());
      repository.saveBatchStatus(failed);
      return new Outcome(failed, false);
    } catch (IOException e) {
      indexes.remove(dataset);
      throw new UncheckedIOException("cannot read raw batch " + batch.rawUri(), e);
    } catch (RuntimeException e) {
      // The in-memory index may hold records of a version that was never written.
      indexes.remove(dataset);
      throw e;
    }
    String runId = null;
    try {
      runId = tracker.track(written);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "version "
              + version
              + " of "
              + dataset
              + " has no MLflow run: tracking failed; the version and its event stand",
          e);
    }
    publisher.publish(EventEnvelope.causedBy(event, curatedEvent(written, runId), eventSource));
    BatchStatus done =
        status.with(
            BatchStatus.State.CURATED,
            version,
            curation.received(),
            curation.accepted(),
            curation.rejectedByReason(),
            null);
    repository.saveBatchStatus(done);
    return new Outcome(done, true);
  }

  /** Records a failure that prevented curation in the batch's status. */
  public void recordFailure(DataIngested batch, Exception cause) {
    BatchStatus status =
        repository.batchStatus(batch.dataset(), batch.batchId()).orElseGet(() -> received(batch));
    repository.saveBatchStatus(
        status.with(BatchStatus.State.FAILED, null, null, null, null, String.valueOf(cause)));
  }

  /** Forgets the cached index of a dataset (e.g. after a withdrawal). */
  public synchronized void invalidate(String dataset) {
    indexes.remove(dataset);
  }

  private DatasetIndex index(String dataset, int latest, CurationPolicy policy) {
    CachedIndex cached = indexes.get(dataset);
    if (cached != null
        && cached.version() == latest
        && cached.settings().equals(policy.minHash())) {
      return cached.index();
    }
    DatasetIndex index = repository.loadIndex(dataset, new MinHasher(policy.minHash()));
    indexes.put(dataset, new CachedIndex(index, latest, policy.minHash()));
    return index;
  }

  /** The initial status of a batch that has none yet. */
  public static BatchStatus received(DataIngested batch) {
    return new BatchStatus(
        batch.dataset(),
        batch.batchId(),
        BatchStatus.State.RECEIVED,
        batch.rawUri(),
        batch.format().name().toLowerCase(java.util.Locale.ROOT),
        batch.source().name().toLowerCase(java.util.Locale.ROOT),
        batch.sizeBytes(),
        batch.sha256(),
        batch.ingestedAt(),
        Instant.now(),
        null,
        null,
        null,
        null,
        null);
  }

  static Manifest manifest(
      String dataset,
      int version,
      Manifest previous,
      DataIngested batch,
      BatchCuration curation,
      CurationPolicy policy) {
    Map<String, Manifest.SplitSummary> splits = new LinkedHashMap<>();
    for (Split split : Split.values()) {
      Map<String, Long> byLabel = new TreeMap<>();
      long records = 0;
      if (previous != null) {
        Manifest.SplitSummary p = previous.splits().get(split.code());
        byLabel.putAll(p.byLabel());
        records = p.records();
      }
      Map<String, Long> addedByLabel = new TreeMap<>();
      for (CuratedRecord r : curation.added().get(split)) {
        addedByLabel.merge(r.label(), 1L, Long::sum);
        byLabel.merge(r.label(), 1L, Long::sum);
      }
      long added = curation.added().get(split).size();
      splits.put(
          split.code(),
          new Manifest.SplitSummary(records + added, added, byLabel, addedByLabel, null));
    }
    List<String> lineage = new ArrayList<>(previous == null ? List.of() : previous.lineage());
    lineage.add(batch.batchId());
    Map<String, Object> settings = new LinkedHashMap<>();
    MinHashSettings mh = policy.minHash();
    settings.put("shingleSize", mh.shingleSize());
    settings.put("permutations", mh.permutations());
    settings.put("bands", mh.bands());
    settings.put("nearDuplicateThreshold", mh.threshold());
    settings.put("seed", mh.seed());
    settings.put(
        "splitRatios",
        List.of(policy.ratios().train(), policy.ratios().validation(), policy.ratios().test()));
    settings.put("agreementThreshold", policy.agreementThreshold());
    settings.put("maxTextChars", policy.limits().maxTextChars());
    settings.put("maxLineBytes", policy.limits().maxLineBytes());
    settings.put("declaredLabels", List.copyOf(policy.declaredLabels()));
    settings.put("allowNewLabels", policy.allowNewLabels());
    if (policy.groupKey() != null) {
      settings.put("groupKey", policy.groupKey());
    }
    long rejected = curation.rejections().size();
    return new Manifest(
        dataset,
        version,
        previous == null ? null : previous.version(),
        Instant.now(),
        List.copyOf(curation.labels()),
        splits,
        curation.received(),
        curation.accepted(),
        rejected,
        curation.rejectedByReason(),
        curation.duplicates(),
        curation.agreement(),
        List.of(
            new Manifest.BatchLineage(
                batch.batchId(),
                batch.rawUri(),
                batch.sha256(),
                batch.source().name().toLowerCase(java.util.Locale.ROOT),
                curation.received(),
                curation.accepted())),
        lineage,
        null,
        settings);
  }

  static DatasetCurated curatedEvent(DatasetRepository.WrittenVersion written, String runId) {
    Manifest m = written.manifest();
    return new DatasetCurated(
        m.dataset(),
        m.version(),
        written.manifestUri(),
        written.manifestSha256(),
        m.labels(),
        m.lineage(),
        counts(m, Split.TRAIN),
        counts(m, Split.VALIDATION),
        counts(m, Split.TEST),
        m.recordsReceived(),
        m.rejectedByReason(),
        runId,
        m.createdAt());
  }

  private static DatasetCurated.SplitCounts counts(Manifest m, Split split) {
    Manifest.SplitSummary s = m.splits().get(split.code());
    return new DatasetCurated.SplitCounts(s.records(), s.added(), s.byLabel());
  }
}
