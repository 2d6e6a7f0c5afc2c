package dev.tuneloop.curation.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Bad input of many kinds: refused with a 4xx that says what is wrong, or quarantined record by
 * record with a reason and line, and nothing lost (records in = accepted + rejected).
 */
@QuarkusTest
@QuarkusTestResource(RealStackResource.class)
class BadInputIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String dataset = "it-bad-" + UUID.randomUUID().toString().substring(0, 8);

  @Inject ObjectStore store;

  @Test
  void requestsThatCannotBeABatchGet4xxWithAReason() {
    byte[] ok = "{\"id\":\"1\",\"text\":\"t\",\"label\":\"x\"}\n".getBytes(StandardCharsets.UTF_8);
    expect(
        given()
            .contentType("application/x-ndjson")
            .body(ok)
            .post("/api/v1/datasets/{d}/records", "-bad"),
        400,
        "invalid_dataset_name");
    expect(
        given()
            .contentType("application/x-ndjson")
            .body(ok)
            .post("/api/v1/datasets/{d}/records", "a..b%20c"),
        400,
        "invalid_dataset_name");
    expect(
        given()
            .contentType("application/xml")
            .body(ok)
            .post("/api/v1/datasets/{d}/records", dataset),
        415,
        "unsupported_media_type");
    expect(
        given()
            .contentType("application/x-ndjson")
            .body(new byte[0])
            .post("/api/v1/datasets/{d}/records", dataset),
        400,
        "malformed_batch");
    expect(
        given()
            .contentType("text/csv")
            .body("id,body,label\n1,x,y\n")
            .post("/api/v1/datasets/{d}/records", dataset),
        400,
        "malformed_batch");
    expect(
        given().get("/api/v1/datasets/{d}/versions/{v}", dataset, "latest"),
        400,
        "invalid_version");
    expect(
        given().get("/api/v1/datasets/{d}/versions/{v}", dataset, "7"), 404, "version_not_found");
    expect(
        given().get("/api/v1/datasets/{d}/batches/{b}", dataset, "nope"), 400, "invalid_batch_id");
    expect(
        given().get("/api/v1/datasets/{d}/batches/{b}", dataset, "b-" + "0".repeat(32)),
        404,
        "batch_not_found");
  }

  private static void expect(Response r, int status, String error) {
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
    assertThat(r.jsonPath().getString("error")).isEqualTo(error);
    assertThat(r.jsonPath().getString("detail")).isNotBlank();
  }

  @Test
  void everyBadRecordIsQuarantinedWithItsReasonAndTheRestIsCurated() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    String good1 = "the quarterly report is attached, please review section two before friday";
    String good2 = "you have won a prize, click here to claim your reward before it expires today";
    line(b, "{\"id\":\"g1\",\"text\":\"" + good1 + "\",\"label\":\"ham\"}");
    line(b, "{\"id\":\"g2\",\"text\":\"" + good2 + "\",\"label\":\"spam\"}");
    line(b, "{\"id\":\"bad-json\",\"text\":");
    b.writeBytes("{\"id\":\"utf\",\"text\":\"\u00ff".getBytes(StandardCharsets.UTF_8));
    b.write(0xC3);
    b.write(0x28);
    line(b, "\",\"label\":\"ham\"}");
    line(b, "{\"id\":\"long-line\",\"text\":\"" + "x".repeat(1_100_000) + "\",\"label\":\"ham\"}");
    line(b, "[\"not\",\"an\",\"object\"]");
    line(b, "{\"text\":\"no id here\",\"label\":\"ham\"}");
    line(b, "{\"id\":[1],\"text\":\"array id\",\"label\":\"ham\"}");
    line(b, "{\"id\":\"no-text\",\"label\":\"ham\"}");
    line(b, "{\"id\":\"num-text\",\"text\":12,\"label\":\"ham\"}");
    line(b, "{\"id\":\"empty-text\",\"text\":\"   \",\"label\":\"ham\"}");
    line(b, "{\"id\":\"huge-text\",\"text\":\"" + "y".repeat(100_001) + "\",\"label\":\"ham\"}");
    line(b, "{\"id\":\"no-label\",\"text\":\"no label at all\"}");
    line(
        b,
        "{\"id\":\"both\",\"text\":\"both kinds\",\"label\":\"ham\",\"annotations\":[{\"annotator\":\"a\",\"label\":\"ham\"}]}");
    line(b, "{\"id\":\"bool-label\",\"text\":\"odd label\",\"label\":false}");
    line(b, "{\"id\":\"bad-ann\",\"text\":\"odd annotations\",\"annotations\":[{\"who\":\"a\"}]}");
    line(b, "{\"id\":\"bad-meta\",\"text\":\"odd meta\",\"label\":\"ham\",\"meta\":\"x\"}");
    line(b, "{\"id\":\"g1\",\"text\":\"same id again\",\"label\":\"ham\"}");
    line(
        b,
        "{\"id\":\"tie\",\"text\":\"annotators disagree completely here\",\"annotations\":[{\"annotator\":\"a\",\"label\":\"ham\"},{\"annotator\":\"b\",\"label\":\"spam\"}]}");
    line(
        b,
        "{\"id\":\"exact\",\"text\":\"  THE QUARTERLY report is attached, please review section two before friday\",\"label\":\"ham\"}");
    line(
        b,
        "{\"id\":\"near\",\"text\":\"you have won a prize, click here to claim your reward before it expires tonight\",\"label\":\"spam\"}");
    line(b, "{\"id\":\"c1\",\"text\":\"meet me at the station at six\",\"label\":\"ham\"}");
    line(b, "{\"id\":\"c2\",\"text\":\"Meet me at the station at six\",\"label\":\"spam\"}");
    byte[] first = b.toByteArray();
    JsonNode m1 = curated(first);
    Map<String, String> reasons = rejected(1);
    assertThat(reasons)
        .containsEntry("no-text", "missing_text")
        .containsEntry("num-text", "invalid_text")
        .containsEntry("empty-text", "empty_text")
        .containsEntry("huge-text", "text_too_long")
        .containsEntry("no-label", "missing_label")
        .containsEntry("both", "ambiguous_label")
        .containsEntry("bool-label", "invalid_label")
        .containsEntry("bad-ann", "invalid_annotations")
        .containsEntry("bad-meta", "invalid_field")
        .containsEntry("g1", "duplicate_id")
        .containsEntry("tie", "low_agreement")
        .containsEntry("exact", "exact_duplicate")
        .containsEntry("near", "near_duplicate")
        .containsEntry("c1", "label_conflict")
        .containsEntry("c2", "label_conflict");
    assertThat(m1.get("rejectedByReason").fieldNames())
        .toIterable()
        .contains(
            "malformed_json",
            "invalid_utf8",
            "line_too_long",
            "not_an_object",
            "missing_id",
            "invalid_id");
    assertThat(m1.get("recordsReceived").asInt()).isEqualTo(23);
    assertThat(m1.get("recordsAccepted").asInt()).isEqualTo(2);
    assertThat(m1.get("rejectedTotal").asInt()).isEqualTo(21);

    // the label set is fixed by v1: a new label is unknown; a known id with a new text conflicts.
    // Withdrawing g1 from the index (which makes the service reload the index from the object
    // store) lets its text in again.
    assertThat(given().delete("/api/v1/datasets/{d}/index/{id}", dataset, "g1").statusCode())
        .isEqualTo(204);
    ByteArrayOutputStream c = new ByteArrayOutputStream();
    line(c, "{\"id\":\"g1-again\",\"text\":\"" + good1 + "\",\"label\":\"ham\"}");
    line(c, "{\"id\":\"n1\",\"text\":\"an entirely new kind of message\",\"label\":\"phishing\"}");
    line(c, "{\"id\":\"g2\",\"text\":\"a different text under an old id\",\"label\":\"spam\"}");
    line(c, "{\"id\":\"n2\",\"text\":\"something fine and new to keep\",\"label\":\"ham\"}");
    JsonNode m2 = curated(c.toByteArray());
    assertThat(rejected(2)).containsEntry("n1", "unknown_label").containsEntry("g2", "id_conflict");
    assertThat(m2.get("recordsAccepted").asInt()).isEqualTo(2);
    assertThat(m2.get("recordsReceived").asInt()).isEqualTo(4);
  }

  private static void line(ByteArrayOutputStream out, String line) {
    out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private JsonNode curated(byte[] body) throws Exception {
    Response r =
        given()
            .contentType("application/x-ndjson")
            .body(body)
            .post("/api/v1/datasets/{d}/records", dataset);
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
    String batch = r.jsonPath().getString("batchId");
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status =
          JSON.readTree(given().get("/api/v1/datasets/{d}/batches/{b}", dataset, batch).asString());
      if (status.get("state").asText().equals("CURATED")) {
        return JSON.readTree(
            given()
                .get("/api/v1/datasets/{d}/versions/{v}", dataset, status.get("version").asInt())
                .asString());
      }
      assertThat(status.get("state").asText()).isNotEqualTo("FAILED");
      Thread.sleep(250);
    }
    throw new AssertionError("batch " + batch + " not curated in time");
  }

  private Map<String, String> rejected(int version) throws Exception {
    Map<String, String> out = new HashMap<>();
    String content =
        new String(
            store.getBytes(
                Buckets.DATASETS, dataset + "/v" + version + "/rejected.jsonl", 16 << 20),
            StandardCharsets.UTF_8);
    for (String l : content.split("\n")) {
      if (!l.isBlank()) {
        JsonNode r = JSON.readTree(l);
        assertThat(r.get("line").asLong()).isPositive();
        assertThat(r.get("detail").asText()).isNotBlank();
        if (r.has("id")) {
          out.put(r.get("id").asText(), r.get("reason").asText());
        }
      }
    }
    return out;
  }
}
