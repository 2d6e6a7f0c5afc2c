package dev.tuneloop.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the root of the tuneloop checkout: the folder that holds {@code deploy/local/tuneloop}. */
final class RepositoryRoot {

  /** The local stack script, relative to the repository root. */
  static final Path STACK_SCRIPT = Path.of("deploy", "local", "tuneloop");

  private RepositoryRoot() {}

  /**
   * The repository root: the system property {@code tuneloop.root} (the build sets it) if it points
   * at a checkout, otherwise the nearest folder at or above {@code workingDir} that has the script.
   *
   * @throws IllegalStateException if neither finds a checkout
   */
  static Path find(String rootProperty, Path workingDir) {
    if (rootProperty != null && !rootProperty.isBlank()) {
      Path root = Path.of(rootProperty).toAbsolutePath().normalize();
      if (isRoot(root)) {
        return root;
      }
    }
    return searchUpwards(workingDir)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "cannot find the tuneloop checkout (a folder with "
                        + STACK_SCRIPT
                        + ") from tuneloop.root="
                        + rootProperty
                        + " or at or above "
                        + workingDir.toAbsolutePath()
                        + "; run the tests from the checkout or set -Dtuneloop.root"));
  }

  /** {@link #find(String, Path)} with this JVM's {@code tuneloop.root} and working directory. */
  static Path find() {
    return find(System.getProperty("tuneloop.root"), Path.of(System.getProperty("user.dir")));
  }

  private static Optional<Path> searchUpwards(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (isRoot(dir)) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  private static boolean isRoot(Path dir) {
    return Files.isRegularFile(dir.resolve(STACK_SCRIPT));
  }
}
