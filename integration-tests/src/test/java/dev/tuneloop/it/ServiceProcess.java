package dev.tuneloop.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** One packaged service running as a child JVM on a free port; closing it stops the process. */
final class ServiceProcess implements AutoCloseable {

  /** Bounds each probe call; a probe that takes longer counts as "not ready yet". */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);

  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  private static final int LOG_TAIL_LINES = 40;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String label;
  private final int port;
  private final Process process;
  private final Path log;
  private final Thread killOnExit;

  private ServiceProcess(String label, int port, Process process, Path log) {
    this.label = label;
    this.port = port;
    this.process = process;
    this.log = log;
    // If the test JVM is interrupted (Ctrl-C, failsafe timeout) the finally blocks may not run.
    this.killOnExit = new Thread(process::destroyForcibly, "stop-" + label);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * Starts {@code services/<service>/target/quarkus-app/quarkus-run.jar} with the given environment
   * added to this JVM's, on a free port, writing its output to a log file named after {@code
   * label}.
   */
  static ServiceProcess start(String service, String label, Map<String, String> environment)
      throws IOException {
    Path jar = packagedJar(service);
    Path logs =
        Files.createDirectories(repositoryRoot().resolve("integration-tests/target/service-logs"));
    Path log = logs.resolve(label + ".log");
    int port = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-jar",
                jar.toString())
            .directory(jar.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    System.out.printf("started %s (pid %d) on port %d, log %s%n", label, process.pid(), port, log);
    return new ServiceProcess(label, port, process, log);
  }

  /** The service's packaged fast-jar; fails with what to run when it is missing. */
  static Path packagedJar(String service) {
    Path jar =
        repositoryRoot().resolve("services/" + service + "/target/quarkus-app/quarkus-run.jar");
    assertThat(jar)
        .withFailMessage(
            "%s is missing: the %s service is not packaged; run ./mvnw install first"
                + " (or ./mvnw -pl services/%s -am install -DskipITs)",
            jar, service, service)
        .isRegularFile();
    return jar;
  }

  private static Path repositoryRoot() {
    String root = System.getProperty("tuneloop.root");
    assertThat(root)
        .withFailMessage(
            "system property tuneloop.root (the repository root) is not set; run through Maven:"
                + " ./mvnw -pl integration-tests verify -Dit.test=ServicesReadyIT")
        .isNotBlank();
    return Path.of(root).toAbsolutePath().normalize();
  }

  int port() {
    return port;
  }

  /** The service's base URL. */
  URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Whether the process still runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process at once (SIGKILL: no shutdown hooks, no clean-up), as a crash would. */
  void kill9() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** A free TCP port on this machine (free a moment ago). */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Accept", accept)
            .timeout(PROBE_TIMEOUT)
            .GET()
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  Health health(String path) throws IOException, InterruptedException {
    return Health.parse(get(path, "application/json"));
  }

  /**
   * Polls a health endpoint until {@code done} accepts the answer, and returns that answer. Fails
   * with the last answer and the log tail if the process exits or the deadline passes.
   */
  Health awaitHealth(String path, Predicate<Health> done, Instant deadline)
      throws InterruptedException {
    String last = "no answer yet";
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(
            String.format(
                "%s exited with code %d before %s was as expected (last answer: %s)%n%s",
                label, process.exitValue(), path, last, logTail()));
      }
      try {
        Health health = health(path);
        if (done.test(health)) {
          return health;
        }
        last = "HTTP " + health.httpStatus() + " " + health.body();
      } catch (ConnectException | HttpTimeoutException e) {
        // Not listening yet, or a check still waiting on its server: keep polling.
        last = e.toString();
      } catch (IOException e) {
        last = e.toString();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            String.format(
                "%s: %s not as expected by %s (last answer: %s)%n%s",
                label, path, deadline, last, logTail()));
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  void printLogTail() {
    System.out.println(logTail());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return "---- last " + tail.size() + " lines of " + log + " ----\n" + String.join("\n", tail);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of " + label + ": " + log, e);
    }
  }

  /** Stops the service gracefully (SIGTERM), forcibly if it does not stop within 20 seconds. */
  @Override
  public void close() {
    try {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        System.out.printf("%s did not stop within 20 s; killing it%n", label);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The JVM is exiting and runs the hook itself.
      }
    }
  }

  @Override
  public String toString() {
    return label;
  }
}
