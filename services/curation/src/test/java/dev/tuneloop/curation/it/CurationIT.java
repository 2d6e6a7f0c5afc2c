package dev.tuneloop.curation.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.curation.domain.MinHashSettings;
import dev.tuneloop.curation.domain.MinHasher;
import dev.tuneloop.curation.domain.TextNormalizer;
import dev.tuneloop.events.DatasetCurated;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.testing.RealStack;
import dev.tuneloop.testing.RealStackResource;
import dev.tuneloop.testing.StackEndpoints;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The curation service against the real Kafka, MinIO and MLflow of the stack. Every test uses its
 * own dataset name, unique per run.
 */
@QuarkusTest
@QuarkusTestResource(RealStackResource.class)
class CurationIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  @Inject ObjectStore store;

  private static String dataset(String name) {
    return "it-" + name + "-" + RUN;
  }

  private static byte[] spamAssassin(String groups) throws IOException, InterruptedException {
    Path out = Path.of("target", "spam-assassin-" + groups.replace(',', '_') + ".ndjson");
    if (!Files.exists(out)) {
      Process p =
          new ProcessBuilder(
                  RealStack.repositoryRoot()
                      .resolve("deploy/local/datasets/spam-assassin")
                      .toString(),
                  "--groups",
                  groups,
                  "--out",
                  out.toString())
              .inheritIO()
              .start();
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).isZero();
    }
    return Files.readAllBytes(out);
  }

  private static String upload(String dataset, String contentType, byte[] body) {
    Response r =
        given().contentType(contentType).body(body).post("/api/v1/datasets/{d}/records", dataset);
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
    return r.jsonPath().getString("batchId");
  }

  /** Polls the batch until it is no longer RECEIVED. */
  private static JsonNode awaitBatch(String dataset, String batchId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      Response r = given().get("/api/v1/datasets/{d}/batches/{b}", dataset, batchId);
      if (r.statusCode() == 200) {
        JsonNode status = JSON.readTree(r.asString());
        if (!status.get("state").asText().equals("RECEIVED")) {
          return status;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("batch " + batchId + " of " + dataset + " was not curated in time");
  }

  private static JsonNode manifest(String dataset, int version) throws IOException {
    Response r = given().get("/api/v1/datasets/{d}/versions/{v}", dataset, version);
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    return JSON.readTree(r.asString());
  }

  private List<JsonNode> records(String dataset, int version, String split) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    String content =
        new String(
            store.getBytes(Buckets.DATASETS, dataset + "/v" + version + "/" + split, 64 << 20),
            StandardCharsets.UTF_8);
    for (String line : content.split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static long lines(byte[] ndjson) {
    return new String(ndjson, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count();
  }

  @Test
  void spamAssassinInTwoOverlappingBatchesGivesTwoCleanVersionsWithoutLeakage() throws Exception {
    String dataset = dataset("spam");
    byte[] first = spamAssassin("easy-ham-1,hard-ham-1,spam-1");
    byte[] second = spamAssassin("spam-1,easy-ham-2,spam-2");

    JsonNode b1 = awaitBatch(dataset, upload(dataset, "application/x-ndjson", first));
    assertThat(b1.get("state").asText()).isEqualTo("CURATED");
    assertThat(b1.get("version").asInt()).isEqualTo(1);
    JsonNode b2 = awaitBatch(dataset, upload(dataset, "application/x-ndjson", second));
    assertThat(b2.get("version").asInt()).isEqualTo(2);

    JsonNode v1 = manifest(dataset, 1);
    JsonNode v2 = manifest(dataset, 2);
    assertThat(v1.get("recordsReceived").asLong()).isEqualTo(lines(first));
    assertThat(v2.get("recordsReceived").asLong()).isEqualTo(lines(second));
    for (JsonNode m : List.of(v1, v2)) {
      assertThat(m.get("recordsAccepted").asLong() + m.get("rejectedTotal").asLong())
          .isEqualTo(m.get("recordsReceived").asLong());
    }
    // the 500 spam-1 mails of the second batch are all in v1 already (as kept records or as
    // duplicates of kept ones), so none of them is added again
    JsonNode byReason = v2.get("rejectedByReason");
    assertThat(byReason.get("exact_duplicate").asLong() + byReason.get("near_duplicate").asLong())
        .isGreaterThanOrEqualTo(500);
    assertThat(v2.get("labels").toString()).isEqualTo("[\"ham\",\"spam\"]");

    Map<String, List<JsonNode>> v1Splits = new HashMap<>();
    Map<String, List<JsonNode>> v2Splits = new HashMap<>();
    long v1Total = 0;
    long v2Total = 0;
    for (String split : List.of("train", "validation", "test")) {
      v1Splits.put(split, records(dataset, 1, split + ".jsonl"));
      v2Splits.put(split, records(dataset, 2, split + ".jsonl"));
      JsonNode s1 = v1.get("splits").get(split);
      JsonNode s2 = v2.get("splits").get(split);
      assertThat(v1Splits.get(split)).hasSize(s1.get("records").asInt());
      assertThat(v2Splits.get(split)).hasSize(s2.get("records").asInt());
      assertThat(s2.get("records").asLong())
          .isEqualTo(s1.get("records").asLong() + s2.get("added").asLong());
      // cumulative: v2 starts with exactly v1's records
      assertThat(v2Splits.get(split).subList(0, v1Splits.get(split).size()))
          .isEqualTo(v1Splits.get(split));
      v1Total += s1.get("records").asLong();
      v2Total += s2.get("records").asLong();
    }
    assertThat(v1Total).isEqualTo(v1.get("recordsAccepted").asLong());
    assertThat(v2Total).isEqualTo(v1Total + v2.get("recordsAccepted").asLong());

    for (String split : List.of("train", "validation", "test")) {
      assertThat(
              v2Splits.get(split).subList(v1Splits.get(split).size(), v2Splits.get(split).size()))
          .noneMatch(r -> r.get("id").asText().startsWith("spam-1/"));
    }

    // no duplicate ids or normalized texts anywhere in v2
    Set<String> ids = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (List<JsonNode> split : v2Splits.values()) {
      for (JsonNode r : split) {
        assertThat(ids.add(r.get("id").asText())).as("duplicate id %s", r.get("id")).isTrue();
        assertThat(
                hashes.add(TextNormalizer.hash(TextNormalizer.normalize(r.get("text").asText()))))
            .as("duplicate text of %s", r.get("id"))
            .isTrue();
      }
    }

    // brute force: no v2 training record is a near duplicate (Jaccard >= 0.8) of a v1 test or
    // validation record
    MinHasher hasher = new MinHasher(MinHashSettings.DEFAULT);
    List<long[]> heldOut = new ArrayList<>();
    for (String split : List.of("validation", "test")) {
      for (JsonNode r : v1Splits.get(split)) {
        heldOut.add(hasher.shingles(TextNormalizer.normalize(r.get("text").asText())));
      }
    }
    for (JsonNode r : v2Splits.get("train")) {
      long[] s = hasher.shingles(TextNormalizer.normalize(r.get("text").asText()));
      for (long[] h : heldOut) {
        assertThat(MinHasher.jaccard(s, h)).as("train record %s", r.get("id")).isLessThan(0.8);
      }
    }

    // the version list and the curated events
    Response versions = given().get("/api/v1/datasets/{d}/versions", dataset);
    assertThat(versions.jsonPath().getList("versions.version", Integer.class))
        .containsExactly(1, 2);
    List<DatasetCurated> events = curatedEvents(dataset, 2);
    assertThat(events).extracting(DatasetCurated::version).containsExactly(1, 2);
    assertThat(events.get(1).train().records())
        .isEqualTo(v2.get("splits").get("train").get("records").asLong());
    assertThat(events.get(1).mlflowRunId()).isNotBlank();
    assertThat(events.get(1).rejectedTotal()).isEqualTo(v2.get("rejectedTotal").asLong());
  }

  private static List<DatasetCurated> curatedEvents(String dataset, int expected) {
    StackEndpoints stack = RealStack.get();
    List<DatasetCurated> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "curation-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(DatasetCurated.TOPIC));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (found.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (dataset.equals(r.key())) {
            found.add(EventEnvelope.fromConsumerRecord(r, DatasetCurated.class).data());
          }
        }
      }
    }
    return found;
  }

  @Test
  void theSameBatchTwiceMakesOneVersion() throws Exception {
    String dataset = dataset("twice");
    byte[] body =
        ("{\"id\":\"1\",\"text\":\"first message about a meeting\",\"label\":\"ham\"}\n"
                + "{\"id\":\"2\",\"text\":\"win a free cruise now\",\"label\":\"spam\"}\n")
            .getBytes(StandardCharsets.UTF_8);
    String a = upload(dataset, "application/x-ndjson", body);
    assertThat(awaitBatch(dataset, a).get("version").asInt()).isEqualTo(1);
    String b = upload(dataset, "application/x-ndjson", body);
    assertThat(b).isEqualTo(a);
    Thread.sleep(1500); // give a (wrong) second curation the time to happen
    assertThat(awaitBatch(dataset, b).get("version").asInt()).isEqualTo(1);
    assertThat(given().get("/api/v1/datasets/{d}/versions", dataset).jsonPath().getList("versions"))
        .hasSize(1);
  }

  @Test
  void aFileWrittenIntoTheRawBucketByAPlainS3ClientIsCurated() throws Exception {
    String dataset = dataset("drop");
    StackEndpoints stack = RealStack.get();
    byte[] csv =
        ("id,text,label\n"
                + "1,\"Lunch tomorrow, at noon?\",ham\n"
                + "2,Cheap meds without prescription,spam\n"
                + "3,,ham\n")
            .getBytes(StandardCharsets.UTF_8);
    MinioClient client =
        MinioClient.builder()
            .endpoint(stack.s3Endpoint())
            .credentials(stack.s3AccessKey(), stack.s3SecretKey())
            .build();
    client.putObject(
        PutObjectArgs.builder().bucket(Buckets.RAW).object(dataset + "/incoming/mail.csv").stream(
                new ByteArrayInputStream(csv), csv.length, -1)
            .contentType("text/csv")
            .build());
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    Response r = null;
    while (System.nanoTime() < deadline) {
      r = given().get("/api/v1/datasets/{d}/versions/1", dataset);
      if (r.statusCode() == 200) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(r.statusCode())
        .as("no version 1 of %s from the dropped file", dataset)
        .isEqualTo(200);
    JsonNode m = JSON.readTree(r.asString());
    assertThat(m.get("recordsReceived").asInt()).isEqualTo(3);
    assertThat(m.get("recordsAccepted").asInt()).isEqualTo(2);
    assertThat(m.get("rejectedByReason").get("missing_text").asInt()).isEqualTo(1);
    assertThat(m.get("batches").get(0).get("source").asText()).isEqualTo("bucket_notification");
  }
}
