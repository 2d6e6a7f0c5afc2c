package dev.tuneloop.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stack as local processes: runs {@code deploy/local/tuneloop up} (harmless when the stack is
 * already up) and reads the endpoints from its {@code stack.env}.
 */
final class LocalProcessStack {

  /**
   * How long {@code up} may take. On a fresh machine it fetches the Kafka jars, builds MinIO with
   * Go and installs MLflow, which takes minutes on 2 cores; {@code TUNELOOP_UP_TIMEOUT} (seconds)
   * overrides it.
   */
  static final Duration DEFAULT_UP_TIMEOUT = Duration.ofMinutes(45);

  private static final int OUTPUT_LINES_KEPT = 40;

  private LocalProcessStack() {}

  /**
   * Brings the local stack up and returns its endpoints.
   *
   * @param repoRoot the checkout holding {@code deploy/local/tuneloop}
   * @param environment this process's environment ({@code TUNELOOP_LOCAL_DIR}, ports, timeouts)
   */
  static StackEndpoints start(Path repoRoot, Map<String, String> environment) {
    Path script = repoRoot.resolve(RepositoryRoot.STACK_SCRIPT);
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException(script + " is missing or not executable");
    }
    runUp(script, timeout(environment));
    Path stackEnv = stateDir(environment).resolve("stack.env");
    return StackEnvFile.toEndpoints(
        StackEndpoints.Mode.LOCAL_PROCESSES, StackEnvFile.read(stackEnv), stackEnv.toString());
  }

  /** The stack's state directory, as the script computes it. */
  static Path stateDir(Map<String, String> environment) {
    String dir = environment.get("TUNELOOP_LOCAL_DIR");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    return Path.of(System.getProperty("user.home"), ".tuneloop", "local");
  }

  static Duration timeout(Map<String, String> environment) {
    String seconds = environment.get("TUNELOOP_UP_TIMEOUT");
    if (seconds == null || seconds.isBlank()) {
      return DEFAULT_UP_TIMEOUT;
    }
    try {
      return Duration.ofSeconds(Long.parseLong(seconds.strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "TUNELOOP_UP_TIMEOUT=" + seconds + " is not a number of seconds", e);
    }
  }

  private static void runUp(Path script, Duration timeout) {
    Process process;
    try {
      process =
          new ProcessBuilder(script.toString(), "up")
              .directory(script.getParent().toFile())
              .redirectErrorStream(true)
              // The script asks nothing; without input it can never wait for any.
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + script + " up", e);
    }
    // The script's progress goes to the test output as it comes (a cold start takes minutes), and
    // its
    // last lines into the exception if it fails.
    Deque<String> lastLines = new ArrayDeque<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  System.out.println(line);
                  synchronized (lastLines) {
                    if (lastLines.size() == OUTPUT_LINES_KEPT) {
                      lastLines.removeFirst();
                    }
                    lastLines.addLast(line);
                  }
                }
              } catch (IOException e) {
                // The stream closes when the process is destroyed after a timeout; nothing to add.
              }
            },
            "tuneloop-up-output");
    pump.setDaemon(true);
    pump.start();
    try {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        throw new IllegalStateException(
            script
                + " up did not finish within "
                + timeout.toMinutes()
                + " min (TUNELOOP_UP_TIMEOUT); last output:\n"
                + joined(lastLines));
      }
      pump.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + script + " up", e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          script
              + " up failed (exit "
              + process.exitValue()
              + "); last output:\n"
              + joined(lastLines));
    }
  }

  private static String joined(Deque<String> lines) {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }
}
