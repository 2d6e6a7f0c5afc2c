package dev.tuneloop.ml.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code --name value} and {@code --switch} arguments of the command-line tools, parsed once
 * with the same errors everywhere: an unknown argument, a missing or repeated value, a required
 * flag left out and a number that is not one all throw {@link IllegalArgumentException} naming the
 * flag, for the tool to print with its usage.
 */
public final class Flags {

  private final Map<String, String> values;

  private Flags(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code args}.
   *
   * @param withValue flags followed by a value, e.g. {@code --model}
   * @param switches flags without a value, e.g. {@code --force}
   * @throws IllegalArgumentException for an argument not in either set, a flag without its value,
   *     or a flag given twice
   */
  public static Flags parse(String[] args, Set<String> withValue, Set<String> switches) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value;
      if (switches.contains(arg)) {
        value = "true";
      } else if (withValue.contains(arg)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        value = args[++i];
      } else {
        throw new IllegalArgumentException("unknown argument " + arg);
      }
      if (values.put(arg, value) != null) {
        throw new IllegalArgumentException(arg + " is given more than once");
      }
    }
    return new Flags(values);
  }

  /** Parses {@code args} that take no switches. */
  public static Flags parse(String[] args, Set<String> withValue) {
    return parse(args, withValue, Set.of());
  }

  /** The flag's value, or null when it was not given. */
  public @Nullable String value(String flag) {
    return values.get(flag);
  }

  /** The flag's value; the flag must have been given. */
  public String required(String flag) {
    String value = values.get(flag);
    if (value == null) {
      throw new IllegalArgumentException(flag + " is required");
    }
    return value;
  }

  /** The flag's value as a path, or null when it was not given. */
  public @Nullable Path path(String flag) {
    String value = values.get(flag);
    return value == null ? null : Path.of(value);
  }

  /** The flag's value as a path; the flag must have been given. */
  public Path requiredPath(String flag) {
    return Path.of(required(flag));
  }

  /** The flag's value as a positive integer, or {@code fallback} when it was not given. */
  public int positiveInt(String flag, int fallback) {
    String value = values.get(flag);
    if (value == null) {
      return fallback;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, not '" + value + "'");
    }
    if (parsed < 1) {
      throw new IllegalArgumentException(flag + " must be at least 1, not " + parsed);
    }
    return parsed;
  }

  /** Whether the switch was given. */
  public boolean has(String flag) {
    return values.containsKey(flag);
  }
}
