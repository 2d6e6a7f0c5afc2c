package dev.tuneloop.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Field checks for the compact constructors of the event records. Every failure is an {@link
 * InvalidEventException} that names the field, so a bad message is rejected at decode time with a
 * reason a person can act on.
 */
final class Require {

  private static final Pattern NAME = Pattern.compile(TuneloopEvent.NAME_REGEX);

  private Require() {}

  /** A dataset name, model name, job id or batch id (see {@link TuneloopEvent#NAME_REGEX}). */
  static String name(@Nullable String value, String field) {
    nonBlank(value, field);
    if (!NAME.matcher(value).matches()) {
      throw new InvalidEventException(
          field
              + " must be 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit,"
              + " was '"
              + value
              + "'");
    }
    return value;
  }

  static <T> T present(@Nullable T value, String field) {
    if (value == null) {
      throw new InvalidEventException(field + " is required");
    }
    return value;
  }

  static String nonBlank(@Nullable String value, String field) {
    if (value == null || value.isBlank()) {
      throw new InvalidEventException(field + " is required and must not be blank");
    }
    return value;
  }

  static @Nullable String nonBlankIfPresent(@Nullable String value, String field) {
    if (value != null && value.isBlank()) {
      throw new InvalidEventException(field + " must not be blank when present");
    }
    return value;
  }

  static long nonNegative(long value, String field) {
    if (value < 0) {
      throw new InvalidEventException(field + " must be >= 0, was " + value);
    }
    return value;
  }

  static int nonNegative(int value, String field) {
    return (int) nonNegative((long) value, field);
  }

  static int positive(int value, String field) {
    if (value <= 0) {
      throw new InvalidEventException(field + " must be > 0, was " + value);
    }
    return value;
  }

  static @Nullable Long nonNegativeIfPresent(@Nullable Long value, String field) {
    if (value != null) {
      nonNegative(value, field);
    }
    return value;
  }

  static @Nullable Integer nonNegativeIfPresent(@Nullable Integer value, String field) {
    if (value != null) {
      nonNegative(value, field);
    }
    return value;
  }

  static double finite(double value, String field) {
    // JSON has no NaN or Infinity; a metric that is undefined must be left out instead.
    if (!Double.isFinite(value)) {
      throw new InvalidEventException(field + " must be a finite number, was " + value);
    }
    return value;
  }

  static @Nullable Double finiteIfPresent(@Nullable Double value, String field) {
    if (value != null) {
      finite(value, field);
    }
    return value;
  }

  static double nonNegative(double value, String field) {
    if (finite(value, field) < 0) {
      throw new InvalidEventException(field + " must be >= 0, was " + value);
    }
    return value;
  }

  static @Nullable Double nonNegativeIfPresent(@Nullable Double value, String field) {
    if (value != null) {
      nonNegative(value, field);
    }
    return value;
  }

  static double fraction(double value, String field) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new InvalidEventException(field + " must be within [0, 1], was " + value);
    }
    return value;
  }

  static @Nullable Double fractionIfPresent(@Nullable Double value, String field) {
    if (value != null) {
      fraction(value, field);
    }
    return value;
  }

  static void notBefore(Instant end, Instant start, String endField, String startField) {
    if (end.isBefore(start)) {
      throw new InvalidEventException(
          endField + " (" + end + ") must not be before " + startField + " (" + start + ")");
    }
  }

  /** An unmodifiable copy of a required list; null elements are rejected. */
  static <T> List<T> list(@Nullable List<T> value, String field) {
    present(value, field);
    List<T> copy = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      copy.add(present(value.get(i), field + "[" + i + "]"));
    }
    return Collections.unmodifiableList(copy);
  }

  static <T> @Nullable List<T> listIfPresent(@Nullable List<T> value, String field) {
    return value == null ? null : list(value, field);
  }

  /** An unmodifiable copy of a required list of non-blank strings. */
  static List<String> strings(@Nullable List<String> value, String field) {
    List<String> copy = list(value, field);
    for (int i = 0; i < copy.size(); i++) {
      nonBlank(copy.get(i), field + "[" + i + "]");
    }
    return copy;
  }

  /** An unmodifiable, order-keeping copy of a required map; blank keys and null values fail. */
  static <V> Map<String, V> map(@Nullable Map<String, V> value, String field) {
    present(value, field);
    Map<String, V> copy = new LinkedHashMap<>();
    value.forEach(
        (key, entry) -> {
          nonBlank(key, field + " key");
          copy.put(key, present(entry, field + "[" + key + "]"));
        });
    return Collections.unmodifiableMap(copy);
  }

  /** A required map of metric name to finite value, e.g. {@code {"accuracy": 0.93}}. */
  static Map<String, Double> metrics(@Nullable Map<String, Double> value, String field) {
    Map<String, Double> copy = map(value, field);
    copy.forEach((key, metric) -> finite(metric, field + "[" + key + "]"));
    return copy;
  }

  static @Nullable Map<String, Double> metricsIfPresent(
      @Nullable Map<String, Double> value, String field) {
    return value == null ? null : metrics(value, field);
  }

  /** A required map of name to count (each >= 0). */
  static Map<String, Long> counts(@Nullable Map<String, Long> value, String field) {
    Map<String, Long> copy = map(value, field);
    copy.forEach((key, count) -> nonNegative(count, field + "[" + key + "]"));
    return copy;
  }
}
