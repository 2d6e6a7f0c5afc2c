package dev.tuneloop.monitor.domain;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The retraining policy's memory of one model; persisted so it survives a restart.
 *
 * @param model the model
 * @param dataset the dataset the model trains on (latest seen)
 * @param datasetVersion the latest dataset version seen; 0 before any
 * @param trainRecords training records in that version
 * @param trainRecordsAtLastRequest training records of the dataset version the last request trained
 *     on (the baseline for "new data"); 0 before any request
 * @param lastRequestAt when the policy last requested training (cool-down counts from here)
 * @param openJobId the model's training job that has not ended yet, if any
 * @param openJobSince when that job was requested or first seen
 * @param lastDecision what the policy last decided and why, for people
 */
public record PolicyState(
    String model,
    @Nullable String dataset,
    int datasetVersion,
    long trainRecords,
    long trainRecordsAtLastRequest,
    @Nullable Instant lastRequestAt,
    @Nullable String openJobId,
    @Nullable Instant openJobSince,
    @Nullable String lastDecision) {

  /** The state of a model the policy has never seen. */
  public static PolicyState initial(String model) {
    return new PolicyState(model, null, 0, 0, 0, null, null, null, null);
  }

  PolicyState withDataset(String name, int version, long records) {
    return new PolicyState(
        model,
        name,
        version,
        records,
        trainRecordsAtLastRequest,
        lastRequestAt,
        openJobId,
        openJobSince,
        lastDecision);
  }

  PolicyState withDecision(String decision) {
    return new PolicyState(
        model,
        dataset,
        datasetVersion,
        trainRecords,
        trainRecordsAtLastRequest,
        lastRequestAt,
        openJobId,
        openJobSince,
        decision);
  }

  PolicyState withOpenJob(@Nullable String jobId, @Nullable Instant since) {
    return new PolicyState(
        model,
        dataset,
        datasetVersion,
        trainRecords,
        trainRecordsAtLastRequest,
        lastRequestAt,
        jobId,
        since,
        lastDecision);
  }

  PolicyState withRequest(String jobId, Instant at, String decision) {
    return new PolicyState(
        model, dataset, datasetVersion, trainRecords, trainRecords, at, jobId, at, decision);
  }
}
