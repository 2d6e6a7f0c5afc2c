package dev.tuneloop.trainer.messaging;

import dev.tuneloop.trainer.domain.JobTracker;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The jobs running on this worker right now, by job id (for live status and cancel). */
@Singleton
public class ActiveJobs {

  private final ConcurrentMap<String, JobTracker> jobs = new ConcurrentHashMap<>();

  /** Registers a job's tracker. */
  public void add(JobTracker tracker) {
    jobs.put(tracker.jobId(), tracker);
  }

  /** Forgets a job. */
  public void remove(JobTracker tracker) {
    jobs.remove(tracker.jobId(), tracker);
  }

  /** The tracker of a running job. */
  public Optional<JobTracker> get(String jobId) {
    return Optional.ofNullable(jobs.get(jobId));
  }
}
