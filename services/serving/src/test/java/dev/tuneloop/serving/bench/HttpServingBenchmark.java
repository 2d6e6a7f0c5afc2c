package dev.tuneloop.serving.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.events.DeploymentState;
import dev.tuneloop.events.DeploymentState.DeployedModel;
import dev.tuneloop.events.DeploymentState.Mode;
import dev.tuneloop.events.DeploymentState.Phase;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BaseModelImporter;
import dev.tuneloop.ml.store.ModelStore;
import dev.tuneloop.ml.store.ObjectUri;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.StorageSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Serving benchmark over HTTP (prints numbers; not a test): the real serving process, started by
 * {@code bench/run-http-benchmark.sh} against the local stack, answers {@code POST
 * /api/v1/models/{model}/predict} for the MiniLM head classifier of {@link ServingBenchmark},
 * deployed the way the registry deploys a model (artifact and base model in MinIO, a deployment
 * state on Kafka). Closed-loop clients at 1, 8 and 32, one text per request, the same 512 texts;
 * every answer must be 200 with one prediction, or the run fails. At the end the model is
 * undeployed (a state revision without a champion).
 *
 * <p>Arguments: {@code <serving base URL> <work dir> [seconds per measurement]}. Environment: the
 * local stack's {@code KAFKA_BOOTSTRAP_SERVERS} and {@code TUNELOOP_STORAGE_*} ({@code eval
 * "$(deploy/local/tuneloop env)"}).
 */
public final class HttpServingBenchmark {

  /** The model name the script's serving process is filtered to. */
  static final String MODEL = "bench-http-minilm";

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServingBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: HttpServingBenchmark <serving base URL> <work dir> [seconds per measurement]");
      System.exit(2);
    }
    URI serving = URI.create(args[0].endsWith("/") ? args[0] : args[0] + "/");
    Path work = Path.of(args[1]);
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Path artifact = work.resolve("minilm-head");
    if (!Files.isRegularFile(artifact.resolve("head.safetensors"))) {
      throw new IllegalStateException(
          artifact + " has no trained head: run bench/run-benchmark.sh once first");
    }
    String artifactUri = deploy(artifact, work);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI predict = serving.resolve("api/v1/models/" + MODEL + "/predict");
    awaitVersion(http, serving, artifactUri);

    List<String> texts = ServingBenchmark.texts(512, new Random(42));
    AtomicLong failures = new AtomicLong();
    Function<String, String> call =
        text -> {
          try {
            HttpResponse<String> response =
                http.send(
                    HttpRequest.newBuilder(predict)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(text)))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200
                || JSON.readTree(response.body()).path("predictions").size() != 1) {
              failures.incrementAndGet();
              System.err.println("answer " + response.statusCode() + ": " + response.body());
            }
            return response.body();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        };
    System.out.printf(
        Locale.ROOT,
        "serving at %s, model %s (%s); %d texts, one per request; %d s per measurement;"
            + " load average %s%n",
        serving,
        MODEL,
        artifactUri,
        texts.size(),
        seconds,
        Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.println("| clients | req/s | p50 ms | p99 ms | requests |");
    System.out.println("|---|---|---|---|---|");
    try {
      for (int clients : new int[] {1, 8, 32}) {
        ServingBenchmark.run(call, texts, clients, 2); // warm-up
        ServingBenchmark.Result r = ServingBenchmark.run(call, texts, clients, seconds);
        System.out.printf(
            Locale.ROOT,
            "| %d | %.1f | %.1f | %.1f | %d |%n",
            clients,
            r.throughput(),
            r.p50(),
            r.p99(),
            r.requests());
        failures.addAndGet(r.errors());
      }
      System.out.println(
          "load average after: " + Files.readString(Path.of("/proc/loadavg")).trim());
    } finally {
      undeploy();
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(
          failures.get() + " requests failed or were not answered 200 with one prediction");
    }
  }

  private static String body(String text) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("instances").addObject().put("text", text);
    return body.toString();
  }

  /**
   * Uploads the base model and the head classifier (with a model card naming the base) and
   * publishes a deployment state making it the champion of {@link #MODEL}.
   *
   * @return the artifact URI
   */
  private static String deploy(Path artifact, Path work) throws Exception {
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "tuneloop", "models");
    BaseModelFolder base =
        BaseModelImporter.importDefault(cache.resolve("all-minilm-l6-v2"), false);
    String job = "head-" + System.currentTimeMillis();
    Path candidate = work.resolve("http-" + job);
    Files.createDirectories(candidate);
    try (Stream<Path> files = Files.list(artifact)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(
            file, candidate.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    ObjectUri baseUri = ModelStore.baseModelUri("bench-all-minilm-l6-v2");
    ObjectNode card = JSON.createObjectNode();
    card.put("model_name", MODEL);
    card.put("job_id", job);
    card.put("strategy", "head");
    card.set("labels", JSON.readTree(artifact.resolve("labels.json").toFile()));
    card.putObject("base_model")
        .put("name", "bench-all-minilm-l6-v2")
        .put("uri", baseUri.toString());
    JSON.writeValue(candidate.resolve("model_card.json").toFile(), card);
    ObjectUri target = new ObjectUri(Buckets.MODELS, MODEL + "/candidates/" + job + "/");
    try (ObjectStore store =
        ObjectStore.connect(
            StorageSettings.builder(
                    env("TUNELOOP_STORAGE_ENDPOINT"),
                    env("TUNELOOP_STORAGE_ACCESS_KEY"),
                    env("TUNELOOP_STORAGE_SECRET_KEY"))
                .build())) {
      store.ensureBuckets();
      ModelStore models = new ModelStore(store, work.resolve("store-cache"));
      models.upload(base.directory(), baseUri, true);
      models.upload(candidate, target, true);
    }
    publish(new DeployedModel(job, target.toString(), null));
    return target.toString();
  }

  /**
   * Leaves no champion behind on the compacted state topic: a later serving process (any model
   * filter) sees the benchmark model without a version and loads nothing.
   */
  private static void undeploy() {
    try {
      publish(null);
    } catch (Exception e) {
      System.err.println("could not undeploy " + MODEL + ": " + e);
    }
  }

  /** Publishes a new revision of {@link #MODEL}'s deployment state with this champion. */
  private static void publish(DeployedModel champion) throws Exception {
    DeploymentState state =
        new DeploymentState(
            MODEL,
            System.currentTimeMillis(),
            champion,
            null,
            null,
            Phase.IDLE,
            Mode.AB,
            0,
            List.of(),
            null,
            null,
            List.of(),
            Instant.now());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                env("KAFKA_BOOTSTRAP_SERVERS"),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(EventEnvelope.startLoop(state, "tuneloop/serving-bench").toProducerRecord())
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Waits until serving answers with the deployed version (it loads and exports it first). */
  private static void awaitVersion(HttpClient http, URI serving, String artifactUri)
      throws Exception {
    URI predict = serving.resolve("api/v1/models/" + MODEL + "/predict");
    String version = artifactUri.replaceAll(".*/candidates/([^/]+)/$", "$1");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(predict)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body("warm up")))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() == 200) {
          JsonNode answer = JSON.readTree(response.body()).path("predictions").path(0);
          if (version.equals(answer.path("modelVersion").asText())) {
            return;
          }
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "serving did not answer with version " + version + " within 3 minutes; last: " + last);
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name + " is not set: eval \"$(deploy/local/tuneloop env)\" first");
    }
    return value;
  }
}
