package dev.tuneloop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the endpoints of a stack from {@code stack.env} ({@code KEY=VALUE} lines written by {@code
 * deploy/local/tuneloop up}) or from environment variables of the same names.
 */
final class StackEnvFile {

  static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  static final String STORAGE_ENDPOINT = "TUNELOOP_STORAGE_ENDPOINT";
  static final String STORAGE_ACCESS_KEY = "TUNELOOP_STORAGE_ACCESS_KEY";
  static final String STORAGE_SECRET_KEY = "TUNELOOP_STORAGE_SECRET_KEY";
  static final String TRACKING_URI = "TUNELOOP_TRACKING_URI";

  /** The keys a stack must define, in the order they are reported when missing. */
  static final List<String> REQUIRED_KEYS =
      List.of(
          KAFKA_BOOTSTRAP_SERVERS,
          STORAGE_ENDPOINT,
          STORAGE_ACCESS_KEY,
          STORAGE_SECRET_KEY,
          TRACKING_URI);

  private StackEnvFile() {}

  /** Reads and parses a {@code stack.env} file. */
  static Map<String, String> read(Path file) {
    try {
      return parse(Files.readAllLines(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          file
              + " does not exist: run deploy/local/tuneloop up (or point TUNELOOP_LOCAL_DIR at the"
              + " stack's state directory)",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  /**
   * Parses {@code KEY=VALUE} lines. Blank lines and {@code #} comments are skipped; an {@code
   * export } prefix and one pair of matching quotes around the value are accepted, so a file
   * written for a shell reads the same. A later line wins over an earlier one.
   *
   * @param source where the lines come from, for error messages
   * @throws IllegalArgumentException on a line that is not {@code KEY=VALUE}, naming the line
   */
  static Map<String, String> parse(List<String> lines, String source) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).stripLeading();
      }
      int eq = line.indexOf('=');
      String key = eq < 0 ? "" : line.substring(0, eq).strip();
      if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException(
            source + ":" + (i + 1) + ": expected KEY=VALUE but found '" + lines.get(i) + "'");
      }
      values.put(key, unquote(line.substring(eq + 1).strip()));
    }
    return values;
  }

  private static String unquote(String value) {
    if (value.length() >= 2) {
      char first = value.charAt(0);
      if ((first == '"' || first == '\'') && value.charAt(value.length() - 1) == first) {
        return value.substring(1, value.length() - 1);
      }
    }
    return value;
  }

  /**
   * The endpoints named by {@code values}.
   *
   * @param source where the values come from, for error messages
   * @throws IllegalStateException naming every required key that is missing or empty
   */
  static StackEndpoints toEndpoints(
      StackEndpoints.Mode mode, Map<String, String> values, String source) {
    List<String> missing = new ArrayList<>();
    for (String key : REQUIRED_KEYS) {
      String value = values.get(key);
      if (value == null || value.isBlank()) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(source + " does not define " + String.join(", ", missing));
    }
    return new StackEndpoints(
        mode,
        values.get(KAFKA_BOOTSTRAP_SERVERS),
        values.get(STORAGE_ENDPOINT),
        values.get(STORAGE_ACCESS_KEY),
        values.get(STORAGE_SECRET_KEY),
        values.get(TRACKING_URI));
  }
}
