package dev.tuneloop.trainer.it;

import static dev.tuneloop.trainer.it.TrainerFixtures.states;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.ModelTrained;
import dev.tuneloop.events.Topics;
import dev.tuneloop.events.TrainingRequested;
import dev.tuneloop.events.TrainingStatus;
import dev.tuneloop.events.TrainingStrategy;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.StorageSettings;
import dev.tuneloop.testing.RealStackExtension;
import dev.tuneloop.testing.StackEndpoints;
import dev.tuneloop.trainer.domain.CheckpointMirror;
import dev.tuneloop.trainer.domain.JobTracker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker killed with {@code kill -9} mid-job: the packaged trainer ({@code
 * target/quarkus-app/quarkus-run.jar}) runs as a child process, is killed once a checkpoint is in
 * the object store, its local checkpoints are wiped (as if the next worker ran on another machine),
 * and a new process resumes the job from the uploaded checkpoint and publishes exactly one {@code
 * model.trained}.
 */
@ExtendWith(RealStackExtension.class)
class KillResumeIT {

  private static final String RUN = TrainerFixtures.RUN;
  private static final String GROUP = "tuneloop-trainer-it-kill-" + RUN;
  private static final String MODEL = "it-trainer-kill-" + RUN;
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @Test
  void killedWorkersJobResumesFromItsCheckpointAndPublishesOneModelTrained(StackEndpoints stack)
      throws Exception {
    Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    assertThat(jar).as("run through Maven verify (needs the packaged app)").isRegularFile();
    Path scratch = Files.createDirectories(Path.of("target", "it-kill-" + RUN).toAbsolutePath());
    Path work = scratch.resolve("work");
    String jobId = "job-kill-" + RUN;
    try (ObjectStore store =
            ObjectStore.connect(
                StorageSettings.builder(
                        stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey())
                    .build());
        TrainerFixtures.Collector collector =
            new TrainerFixtures.Collector(
                stack, List.of(Topics.TRAINING_STATUS, Topics.MODEL_TRAINED))) {
      String base = TrainerFixtures.uploadBaseModel(store, scratch);
      String dataset = "it-trainer-kill-data-" + RUN;
      TrainerFixtures.uploadDataset(store, scratch, dataset, 1000, 32, 32);
      TrainingRequested job =
          TrainerFixtures.request(
              jobId, MODEL, dataset, base, TrainingStrategy.FULL, TrainerFixtures.tiny(2, 4, 1e-3));

      Worker first = Worker.start(jar, stack, work, scratch.resolve("worker-1.log"));
      int killedAt;
      try {
        awaitMember(stack, first);
        TrainerFixtures.send(
            stack.kafkaBootstrapServers(), EventEnvelope.startLoop(job, "tuneloop/it"));
        killedAt = awaitUploadedCheckpoint(store, jobId, first);
        first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no hand-over
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } catch (Throwable t) {
        first.printTail();
        first.process.destroyForcibly();
        throw t;
      }
      assertThat(collector.statuses(jobId)).noneMatch(s -> s.state().terminal());
      // The next worker is "elsewhere": nothing of the job is left on this disk.
      CheckpointMirror.deleteRecursively(work.resolve("jobs").resolve(jobId));

      Worker second = Worker.start(jar, stack, work, scratch.resolve("worker-2.log"));
      try {
        List<TrainingStatus> statuses = collector.awaitTerminal(jobId, TIMEOUT);
        TrainingStatus last = statuses.get(statuses.size() - 1);
        assertThat(last.state()).isEqualTo(TrainingStatus.State.SUCCEEDED);
        assertThat(states(statuses))
            .containsExactly(
                "validating", "queued", "running", "validating", "queued", "running", "succeeded");
        double resumed = last.metrics().get(JobTracker.RESUMED_FROM_STEP);
        // at least the checkpoint seen before the kill (a later one may have been uploaded
        // meanwhile)
        assertThat(resumed).isGreaterThanOrEqualTo(killedAt).isLessThan(500);
        assertThat(last.step()).isEqualTo(500L); // 1000 texts / 4 per step * 2 epochs
        assertThat(last.workerId()).isNotEqualTo(statuses.get(0).workerId());

        Thread.sleep(2000); // a second model.trained would show up now
        List<ModelTrained> trained = collector.trained(jobId);
        assertThat(trained).hasSize(1);
        assertThat(
                store.exists(Buckets.MODELS, MODEL + "/candidates/" + jobId + "/model_card.json"))
            .isTrue();
        JsonNode status = second.getJson("/api/v1/training-jobs/" + jobId);
        assertThat(status.path("state").asText()).isEqualTo("succeeded");
        assertThat(status.path("resumedFromStep").asInt()).isEqualTo((int) resumed);
        assertThat(status.path("attempt").asInt()).isEqualTo(2);
        System.out.printf(
            "killed after the checkpoint of step %d; resumed from step %d; %d status events%n",
            killedAt, (int) resumed, statuses.size());
      } catch (Throwable t) {
        second.printTail();
        throw t;
      } finally {
        second.process.destroy();
        second.process.waitFor(60, TimeUnit.SECONDS);
        second.process.destroyForcibly();
      }
    }
  }

  /** Waits until the job's first checkpoint is in the object store; returns its step. */
  private static int awaitUploadedCheckpoint(ObjectStore store, String jobId, Worker worker)
      throws Exception {
    String key = MODEL + "/checkpoints/" + jobId + "/latest.txt";
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(worker.process.isAlive()).as("worker is alive").isTrue();
      if (store.exists(Buckets.MODELS, key)) {
        String name = new String(store.getBytes(Buckets.MODELS, key, 256)).trim();
        return Integer.parseInt(name.substring("step-".length()));
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no checkpoint of " + jobId + " was uploaded");
  }

  /** Waits until the worker's consumer holds partitions of the requests topic. */
  private static void awaitMember(StackEndpoints stack, Worker worker) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        assertThat(worker.process.isAlive()).as("worker is alive").isTrue();
        ConsumerGroupDescription d = describe(admin, GROUP);
        if (d != null
            && d.members().stream().anyMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
          return;
        }
        Thread.sleep(250);
      }
    }
    throw new AssertionError("the worker never joined " + GROUP);
  }

  /** The group, or null while it does not exist yet. */
  static ConsumerGroupDescription describe(Admin admin, String group) throws Exception {
    try {
      return admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
        return null;
      }
      throw e;
    }
  }

  /** A packaged trainer running as a child process. */
  private record Worker(Process process, int port, Path log) {

    static Worker start(Path jar, StackEndpoints stack, Path work, Path log) throws IOException {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Map<String, String> env = new LinkedHashMap<>();
      stack.quarkusConfig().forEach((k, v) -> env.put(envName(k), v));
      env.put("TUNELOOP_TRAINER_CONSUMER_GROUP", GROUP);
      env.put("TUNELOOP_TRAINER_AUTO_OFFSET_RESET", "latest");
      env.put("TUNELOOP_TRAINER_MODEL_FILTER", MODEL);
      env.put("TUNELOOP_TRAINER_WORK_DIRECTORY", work.toString());
      env.put("TUNELOOP_TRAINER_SESSION_TIMEOUT", "6s");
      env.put("TUNELOOP_TRAINER_PROGRESS_INTERVAL", "1s");
      env.put("TUNELOOP_TRAINER_CHECKPOINTS_EVERY_STEPS", "5");
      env.put("TUNELOOP_TRAINER_CHECKPOINTS_UPLOAD_EVERY_STEPS", "5");
      env.put("DJL_OFFLINE", "true");
      env.put("OPT_OUT_TRACKING", "true");
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dquarkus.http.port=" + port,
                  "-Dai.djl.pytorch.num_threads=1",
                  "-jar",
                  jar.toString())
              .directory(jar.getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      System.out.printf("started trainer pid %d on port %d, log %s%n", process.pid(), port, log);
      return new Worker(process, port, log);
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                  HttpResponse.BodyHandlers.ofString());
      return TrainerFixtures.JSON.readTree(r.body());
    }

    void printTail() {
      try {
        List<String> lines = Files.readAllLines(log);
        System.out.println("--- tail of " + log);
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
      } catch (IOException e) {
        System.out.println("cannot read " + log + ": " + e);
      }
    }

    private static String envName(String property) {
      return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
  }
}
