package dev.tuneloop.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One labelled record as curation takes it ({@code {"id","text","label","source","meta"}}), with
 * the group it came from ({@code meta.group}, e.g. {@code easy-ham-1}).
 *
 * @param id the record id
 * @param text the text
 * @param label the true label
 * @param group the corpus group, empty if none
 * @param json the record as read (uploaded unchanged)
 */
public record LabelledRecord(String id, String text, String label, String group, String json) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads an NDJSON file of records. */
  public static List<LabelledRecord> readNdjson(Path file) throws IOException {
    List<LabelledRecord> out = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = JSON.readTree(line);
        out.add(
            new LabelledRecord(
                node.path("id").asText(),
                node.path("text").asText(),
                node.path("label").asText(),
                node.path("meta").path("group").asText(""),
                line));
      }
    }
    return out;
  }

  /** A stable bucket in [0, buckets) from the id, to split groups the same way on every run. */
  public int bucket(int buckets) {
    return Math.floorMod(id.hashCode() * 0x9E3779B1, buckets);
  }

  /** The records as an NDJSON body. */
  public static byte[] ndjson(List<LabelledRecord> records) {
    StringBuilder out = new StringBuilder();
    for (LabelledRecord record : records) {
      out.append(record.json()).append('\n');
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
