package dev.tuneloop.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tuneloop.testing.RealStack;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code deploy/local/tuneloop} as a user does: up, up again, status, down, twice in a row,
 * then checks that the servers were healthy and that nothing it started is left.
 *
 * <p>Each test has its own state directory and free ports, so it never touches the default stack
 * (which other tests of the build use, and which may be running at the same time).
 */
class LocalStackScriptIT {

  private static final List<String> SERVERS = List.of("kafka", "minio", "mlflow");
  private static final List<String> PORT_VARIABLES =
      List.of(
          "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "MINIO_PORT", "MINIO_CONSOLE_PORT", "MLFLOW_PORT");

  /** A cold cache means fetching Kafka jars, building MinIO and installing MLflow: minutes. */
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(30);

  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Path script = RealStack.repositoryRoot().resolve("deploy/local/tuneloop");
  private Path stateDir;
  private Map<String, String> environment;

  @BeforeEach
  void separateStack() throws IOException {
    stateDir = Files.createTempDirectory("tuneloop-script-it-");
    environment = new LinkedHashMap<>();
    environment.put("TUNELOOP_LOCAL_DIR", stateDir.toString());
    List<Integer> ports = freePorts(PORT_VARIABLES.size());
    for (int i = 0; i < PORT_VARIABLES.size(); i++) {
      environment.put(PORT_VARIABLES.get(i), String.valueOf(ports.get(i)));
    }
    // Keeps the second stack small beside the default one on a 2-core machine.
    environment.put("KAFKA_HEAP_OPTS", "-Xms128m -Xmx512m");
    environment.put("MLFLOW_WORKERS", "1");
  }

  @AfterEach
  void removeStack() throws IOException {
    // Whatever happened above, no server of this test may outlive it.
    Result down = run(COMMAND_TIMEOUT, "down");
    assertThat(down.exitCode()).as("down after the test:%n%s", down.output()).isZero();
    try (Stream<Path> files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Test
  void upStatusDownTwiceLeavesNothingBehind() throws Exception {
    for (int round = 1; round <= 2; round++) {
      long started = System.nanoTime();
      Result up = run(UP_TIMEOUT, "up");
      assertThat(up.exitCode()).as("up (round %d):%n%s", round, up.output()).isZero();
      System.out.printf(
          "LocalStackScriptIT: round %d: up took %d s%n",
          round, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
      assertServersHealthy();
      Map<String, Long> pids = recordedPids();
      assertThat(pids.keySet()).containsExactlyInAnyOrderElementsOf(SERVERS);

      Result again = run(COMMAND_TIMEOUT, "up");
      assertThat(again.exitCode()).as("second up:%n%s", again.output()).isZero();
      for (String server : SERVERS) {
        assertThat(again.output()).contains(server + " is already running");
      }
      assertThat(recordedPids()).as("a second up starts nothing new").isEqualTo(pids);

      Result status = run(COMMAND_TIMEOUT, "status");
      assertThat(status.exitCode()).as("status:%n%s", status.output()).isZero();
      assertThat(status.output().lines().filter(line -> line.contains("HEALTHY"))).hasSize(3);

      Set<Long> startedProcesses = processesInGroups(pids.values());
      assertThat(startedProcesses).containsAll(pids.values());

      Result down = run(COMMAND_TIMEOUT, "down");
      assertThat(down.exitCode()).as("down:%n%s", down.output()).isZero();
      assertThat(processesInGroups(pids.values()))
          .as("processes of the stack's process groups left after down")
          .isEmpty();
      for (long pid : startedProcesses) {
        assertThat(isRunning(pid)).as("process %d is gone", pid).isFalse();
      }
      for (String variable : PORT_VARIABLES) {
        int port = Integer.parseInt(environment.get(variable));
        assertThat(accepts(port)).as("%s %d is free after down", variable, port).isFalse();
      }
      assertThat(recordedPids()).as("PID files after down").isEmpty();

      Result statusDown = run(COMMAND_TIMEOUT, "status");
      assertThat(statusDown.exitCode())
          .as("status of a stopped stack:%n%s", statusDown.output())
          .isNotZero();
      assertThat(statusDown.output()).contains("DOWN");
    }
  }

  @Test
  void upRefusesAPortTakenByAnotherProcessAndStartsNothing() throws Exception {
    int mlflowPort = Integer.parseInt(environment.get("MLFLOW_PORT"));
    try (ServerSocket foreign = new ServerSocket()) {
      foreign.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), mlflowPort));

      Result up = run(UP_TIMEOUT, "up");

      assertThat(up.exitCode()).as("up with a taken port:%n%s", up.output()).isNotZero();
      assertThat(up.output()).contains("port " + mlflowPort).contains("already in use");
      assertThat(recordedPids()).as("nothing was started").isEmpty();
      assertThat(accepts(Integer.parseInt(environment.get("KAFKA_PORT")))).isFalse();
    }
  }

  private void assertServersHealthy() throws Exception {
    Map<String, String> stackEnv = readStackEnv();
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(stateDir.resolve("stack.env"))))
        .as("stack.env holds secrets")
        .isEqualTo("rw-------");
    assertThat(stackEnv.get("KAFKA_BOOTSTRAP_SERVERS"))
        .isEqualTo("127.0.0.1:" + environment.get("KAFKA_PORT"));

    Map<String, Object> adminConfig =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            stackEnv.get("KAFKA_BOOTSTRAP_SERVERS"),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            30_000);
    try (Admin admin = Admin.create(adminConfig)) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .contains(
              "tuneloop.data.ingested",
              "tuneloop.deployment.state",
              "tuneloop.deployment.state.dlq",
              "tuneloop.raw.notifications")
          .hasSize(24);
    }

    MinioClient minio =
        MinioClient.builder()
            .endpoint(stackEnv.get("TUNELOOP_STORAGE_ENDPOINT"))
            .credentials(
                stackEnv.get("TUNELOOP_STORAGE_ACCESS_KEY"),
                stackEnv.get("TUNELOOP_STORAGE_SECRET_KEY"))
            .build();
    for (String bucket :
        List.of("tuneloop-raw", "tuneloop-datasets", "tuneloop-models", "tuneloop-mlflow")) {
      assertThat(minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()))
          .as("bucket %s", bucket)
          .isTrue();
    }

    HttpResponse<String> mlflow =
        http.send(
            HttpRequest.newBuilder(URI.create(stackEnv.get("TUNELOOP_TRACKING_URI") + "/health"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(mlflow.statusCode()).isEqualTo(200);
    assertThat(mlflow.body()).startsWith("OK");
  }

  private Map<String, String> readStackEnv() throws IOException {
    Map<String, String> values = new HashMap<>();
    for (String line : Files.readAllLines(stateDir.resolve("stack.env"))) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return values;
  }

  /** Server name to PID, from the PID files (first line: the PID, which is also the group id). */
  private Map<String, Long> recordedPids() throws IOException {
    Map<String, Long> pids = new LinkedHashMap<>();
    Path runDir = stateDir.resolve("run");
    if (!Files.isDirectory(runDir)) {
      return pids;
    }
    try (Stream<Path> files = Files.list(runDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".pid")).sorted().toList()) {
        String name = file.getFileName().toString().replace(".pid", "");
        pids.put(name, Long.parseLong(Files.readAllLines(file).get(0).strip()));
      }
    }
    return pids;
  }

  /** Live processes whose process group is one of {@code groups} (the servers run as leaders). */
  private static Set<Long> processesInGroups(java.util.Collection<Long> groups) throws IOException {
    Set<Long> members = new java.util.TreeSet<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String[] fields = statFields(Long.parseLong(name));
        if (fields != null
            && !fields[0].equals("Z")
            && groups.contains(Long.parseLong(fields[2]))) {
          members.add(Long.parseLong(name));
        }
      }
    }
    return members;
  }

  /** True if the process exists and has not exited (a zombie has exited). */
  private static boolean isRunning(long pid) {
    String[] fields = statFields(pid);
    return fields != null && !fields[0].equals("Z");
  }

  /** Fields 3.. of /proc/PID/stat (state, ppid, pgrp, ...), or null if the process is gone. */
  private static String[] statFields(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // The command name (field 2) is in parentheses and may contain spaces.
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports.add(socket.getLocalPort());
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  private record Result(int exitCode, String output) {}

  /** Runs the script with this test's environment; its output is echoed and returned. */
  private Result run(Duration timeout, String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(script.toString());
    command.addAll(List.of(arguments));
    Path output = Files.createTempFile(stateDir.getParent(), "tuneloop-script-it-", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(environment);
      Process process = builder.start();
      boolean finished;
      try {
        finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        finished = false;
      }
      if (!finished) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      System.out.printf("$ tuneloop %s%n%s", String.join(" ", arguments), text);
      if (!finished) {
        throw new AssertionError(
            "tuneloop " + String.join(" ", arguments) + " did not finish within " + timeout);
      }
      return new Result(process.exitValue(), text);
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
