package dev.tuneloop.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/events/catalog.md}, the field-by-field event reference, is generated from the JSON
 * schemas; this test fails when the committed file is stale. Regenerate it with {@code ./mvnw -pl
 * shared/events test -Dtest=EventCatalogTest -Dtuneloop.events.write-catalog=true}.
 */
class EventCatalogTest {

  private static final String WRITE_PROPERTY = "tuneloop.events.write-catalog";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void catalogIsGeneratedFromTheCurrentSchemas() throws IOException {
    Path docs = docsDirectory();
    Path catalog = docs.resolve("catalog.md");
    String generated = render(docs);
    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      Files.writeString(catalog, generated, StandardCharsets.UTF_8);
    }
    assertThat(catalog)
        .as(
            "docs/events/catalog.md is stale; regenerate it: ./mvnw -pl shared/events test"
                + " -Dtest=EventCatalogTest -D%s=true",
            WRITE_PROPERTY)
        .hasContent(generated);
  }

  private static Path docsDirectory() {
    String root = System.getProperty("tuneloop.root");
    Path docs =
        root != null && !root.isBlank()
            ? Path.of(root, "docs", "events")
            : Path.of("..", "..", "docs", "events");
    assertThat(docs).isDirectory();
    return docs;
  }

  static String render(Path docs) throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("# Event reference\n\n")
        .append(
            "Generated from the JSON schemas in this folder by `EventCatalogTest` (shared/events);")
        .append(" do not edit by hand.\n")
        .append(
            "Topics, keys, producers, consumers and header conventions: [README](README.md).\n");
    for (EventType type : EventType.values()) {
      Path file = docs.resolve(type.type() + ".schema.json");
      JsonNode schema = JSON.readTree(file.toFile());
      out.append("\n## ")
          .append(schema.path("title").asText())
          .append(" (`")
          .append(type.type())
          .append("`)\n\n")
          .append(schema.path("description").asText().strip())
          .append("\n\nSchema: [")
          .append(file.getFileName())
          .append("](")
          .append(file.getFileName())
          .append(")\n\n| field | type | required | description |\n|---|---|---|---|\n");
      List<String[]> rows = new ArrayList<>();
      fields(schema, schema, "", rows, new HashSet<>());
      for (String[] row : rows) {
        out.append("| `")
            .append(row[0])
            .append("` | ")
            .append(row[1])
            .append(" | ")
            .append(row[2])
            .append(" | ")
            .append(row[3])
            .append(" |\n");
      }
    }
    return out.toString();
  }

  private static void fields(
      JsonNode root, JsonNode object, String prefix, List<String[]> rows, Set<String> seen) {
    Set<String> required = new HashSet<>();
    object.path("required").forEach(name -> required.add(name.asText()));
    Iterator<Map.Entry<String, JsonNode>> properties = object.path("properties").fields();
    while (properties.hasNext()) {
      Map.Entry<String, JsonNode> property = properties.next();
      String path = prefix + property.getKey();
      JsonNode declared = property.getValue();
      JsonNode resolved = resolve(root, declared);
      String description =
          declared.path("description").asText(resolved.path("description").asText());
      rows.add(
          new String[] {
            path,
            typeOf(root, resolved),
            required.contains(property.getKey()) ? "yes" : "no",
            cell(description)
          });
      descend(root, resolved, path, rows, seen);
    }
  }

  private static void descend(
      JsonNode root, JsonNode node, String path, List<String[]> rows, Set<String> seen) {
    if (node.has("properties")) {
      String ref = node.path("$id").asText(path);
      if (seen.add(ref + "@" + path)) {
        fields(root, node, path + ".", rows, seen);
      }
    } else if ("array".equals(node.path("type").asText()) && node.has("items")) {
      descend(root, resolve(root, node.get("items")), path + "[]", rows, seen);
    } else if (node.has("additionalProperties") && node.get("additionalProperties").isObject()) {
      descend(root, resolve(root, node.get("additionalProperties")), path + "{}", rows, seen);
    }
  }

  private static JsonNode resolve(JsonNode root, JsonNode node) {
    JsonNode current = node;
    while (current.has("$ref")) {
      String ref = current.get("$ref").asText();
      current = root.at(ref.substring(1));
    }
    return current;
  }

  private static String typeOf(JsonNode root, JsonNode node) {
    if (node.has("enum")) {
      List<String> values = new ArrayList<>();
      node.get("enum").forEach(value -> values.add("`" + value.asText() + "`"));
      return "one of " + String.join(", ", values);
    }
    String type =
        node.path("type").isArray()
            ? node.path("type").toString()
            : node.path("type").asText("any");
    if ("array".equals(type) && node.has("items")) {
      return "array of " + typeOf(root, resolve(root, node.get("items")));
    }
    if ("object".equals(type)
        && !node.has("properties")
        && node.has("additionalProperties")
        && node.get("additionalProperties").isObject()) {
      return "map of " + typeOf(root, resolve(root, node.get("additionalProperties")));
    }
    if ("string".equals(type) && node.has("format")) {
      return "string (" + node.get("format").asText() + ")";
    }
    return type;
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ").strip();
  }
}
