package dev.tuneloop.trainer.domain;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the {@link TrainingJobRunner} works.
 *
 * @param workDirectory local folder for datasets, base models, checkpoints and outputs
 * @param workerId this worker's id in status events
 * @param progressInterval status events while running: at least this often
 * @param checkpointEverySteps optimizer steps between local checkpoints (0: none)
 * @param uploadEverySteps copy a checkpoint to the object store after this many steps...
 * @param uploadInterval ...or after this much time since the last copy
 * @param profileSampleSize training texts profiled at most
 * @param profiler the reference-profile settings
 */
public record RunnerSettings(
    Path workDirectory,
    String workerId,
    Duration progressInterval,
    int checkpointEverySteps,
    int uploadEverySteps,
    Duration uploadInterval,
    int profileSampleSize,
    ReferenceProfiler profiler) {}
