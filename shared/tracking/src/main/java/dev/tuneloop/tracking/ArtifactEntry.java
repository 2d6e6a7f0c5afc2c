package dev.tuneloop.tracking;

/**
 * A file or directory among a run's artifacts.
 *
 * @param path its path relative to the run's artifact root, e.g. {@code model/config.json}
 * @param directory whether it is a directory
 * @param sizeBytes its size (0 for directories)
 */
public record ArtifactEntry(String path, boolean directory, long sizeBytes) {}
