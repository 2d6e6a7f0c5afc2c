package dev.tuneloop.curation.messaging;

import dev.tuneloop.curation.domain.CurationPipeline;
import dev.tuneloop.curation.domain.DatasetRepository;
import dev.tuneloop.curation.domain.Manifest;
import dev.tuneloop.tracking.ArtifactClient;
import dev.tuneloop.tracking.MetricPoint;
import dev.tuneloop.tracking.RunStatus;
import dev.tuneloop.tracking.TrackedRun;
import dev.tuneloop.tracking.TrackingClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One MLflow run per dataset version in experiment {@code <dataset>-curation}: settings as params,
 * counts as metrics, the manifest as artifact {@code manifest.json}.
 */
@ApplicationScoped
public class MlflowVersionTracker implements CurationPipeline.VersionTracker {

  private final TrackingClient tracking;
  private final ArtifactClient artifacts;

  MlflowVersionTracker(TrackingClient tracking, ArtifactClient artifacts) {
    this.tracking = tracking;
    this.artifacts = artifacts;
  }

  @Override
  public String track(DatasetRepository.WrittenVersion written) {
    Manifest m = written.manifest();
    String experiment = tracking.getOrCreateExperiment(m.dataset() + "-curation");
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("tuneloop.dataset", m.dataset());
    tags.put("tuneloop.dataset.version", String.valueOf(m.version()));
    tags.put("tuneloop.manifest.uri", written.manifestUri());
    tags.put("tuneloop.manifest.sha256", written.manifestSha256());
    TrackedRun run = tracking.startRun(experiment, "v" + m.version(), tags);
    try {
      Map<String, String> params = new LinkedHashMap<>();
      m.settings().forEach((k, v) -> params.put(k, String.valueOf(v)));
      params.put("batches", String.join(",", m.batches().stream().map(b -> b.batchId()).toList()));
      long now = System.currentTimeMillis();
      List<MetricPoint> metrics = new ArrayList<>();
      metrics.add(new MetricPoint("records_received", m.recordsReceived(), now, 0));
      metrics.add(new MetricPoint("records_accepted", m.recordsAccepted(), now, 0));
      metrics.add(new MetricPoint("records_rejected", m.rejectedTotal(), now, 0));
      m.splits()
          .forEach(
              (split, s) -> {
                metrics.add(new MetricPoint(split + "_records", s.records(), now, 0));
                metrics.add(new MetricPoint(split + "_added", s.added(), now, 0));
              });
      m.rejectedByReason()
          .forEach((reason, n) -> metrics.add(new MetricPoint("rejected_" + reason, n, now, 0)));
      tracking.logBatch(run.runId(), metrics, params, Map.of());
      byte[] manifest = dev.tuneloop.storage.ObjectStore.defaultObjectMapper().writeValueAsBytes(m);
      artifacts.upload(
          run.artifactUri(),
          "manifest.json",
          () -> new ByteArrayInputStream(manifest),
          manifest.length);
      tracking.endRun(run.runId(), RunStatus.FINISHED);
      return run.runId();
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      tracking.endRun(run.runId(), RunStatus.FAILED);
      throw new IllegalStateException(
          "cannot log version "
              + m.version()
              + " of "
              + m.dataset()
              + " to MLflow run "
              + run.runId(),
          e);
    }
  }
}
