package dev.tuneloop.curation.domain;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads RFC 4180 CSV with a header row. Required columns: {@code id}, {@code text}, {@code label};
 * optional {@code source}; any other column goes into {@code meta} under its header name. Quoted
 * fields may contain commas, doubled quotes and line breaks.
 */
final class CsvRecordReader implements RecordReader {

  private final ByteLineReader lines;
  private final RecordLimits limits;
  private final List<String> header;
  private final Map<String, Integer> columns = new HashMap<>();

  CsvRecordReader(InputStream in, RecordLimits limits) {
    this.lines = new ByteLineReader(in, limits.maxLineBytes());
    this.limits = limits;
    this.header = readHeader();
    for (int i = 0; i < header.size(); i++) {
      columns.put(header.get(i), i);
    }
    for (String required : List.of("id", "text", "label")) {
      if (!columns.containsKey(required)) {
        throw new MalformedBatchException(
            "CSV header "
                + header
                + " lacks the column '"
                + required
                + "'; the first row must name the columns id,text,label[,source,...]");
      }
    }
  }

  private List<String> readHeader() {
    ByteLineReader.Line first;
    do {
      first = lines.next();
      if (first == null) {
        throw new MalformedBatchException(
            "CSV batch is empty: it needs a header row id,text,label");
      }
    } while (!first.tooLong() && first.bytes().length == 0);
    String text = first.tooLong() ? null : StrictUtf8.decode(first.bytes());
    if (text == null) {
      throw new MalformedBatchException("CSV header row is too long or not valid UTF-8");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // Excel writes a byte-order mark
    }
    List<String> fields = parse(text);
    if (fields == null) {
      throw new MalformedBatchException("CSV header row has an unterminated quote");
    }
    List<String> names = new ArrayList<>();
    for (String f : fields) {
      names.add(f.trim().toLowerCase(Locale.ROOT));
    }
    return names;
  }

  @Override
  public ParseOutcome next() {
    while (true) {
      ByteLineReader.Line line = lines.next();
      if (line == null) {
        return null;
      }
      long start = line.number();
      StringBuilder row = new StringBuilder();
      List<String> fields = null;
      // A quoted field may span lines: keep appending lines until the quotes balance.
      while (true) {
        if (line.tooLong() || row.length() > limits.maxLineBytes()) {
          return RecordFields.reject(
              start,
              RejectionReason.LINE_TOO_LONG,
              "row is longer than " + limits.maxLineBytes() + " bytes",
              null,
              "");
        }
        String text = StrictUtf8.decode(line.bytes());
        if (text == null) {
          return RecordFields.reject(
              start,
              RejectionReason.INVALID_UTF8,
              "row is not valid UTF-8",
              null,
              StrictUtf8.lenient(line.bytes()));
        }
        if (row.length() > 0) {
          row.append('\n');
        }
        row.append(text);
        fields = parse(row.toString());
        if (fields != null) {
          break;
        }
        line = lines.next();
        if (line == null) {
          return RecordFields.reject(
              start,
              RejectionReason.MALFORMED_CSV,
              "unterminated quoted field at the end of the batch",
              null,
              row.toString());
        }
      }
      String raw = row.toString();
      if (raw.isBlank()) {
        continue;
      }
      if (fields.size() != header.size()) {
        return RecordFields.reject(
            start,
            RejectionReason.MALFORMED_CSV,
            "row has " + fields.size() + " columns, the header " + header.size(),
            null,
            raw);
      }
      Map<String, Object> meta = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        String name = header.get(i);
        if (!List.of("id", "text", "label", "source").contains(name)) {
          meta.put(name, fields.get(i));
        }
      }
      String id = emptyToNull(fields.get(columns.get("id")));
      String text = emptyToNull(fields.get(columns.get("text")));
      String label = emptyToNull(fields.get(columns.get("label")));
      Integer sourceColumn = columns.get("source");
      String source = sourceColumn == null ? null : emptyToNull(fields.get(sourceColumn));
      return RecordFields.check(
          start, id, text, label, null, source, meta.isEmpty() ? null : meta, limits, raw);
    }
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /** The fields of a row, or null when a quoted field is not closed yet. */
  static List<String> parse(String row) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < row.length(); i++) {
      char c = row.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < row.length() && row.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.isEmpty() && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    fields.add(field.toString());
    return fields;
  }
}
