package dev.tuneloop.curation.domain;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Field checks shared by the NDJSON and CSV readers: the rules of a record, independent of its
 * encoding.
 */
final class RecordFields {

  /** Longest accepted id. */
  static final int MAX_ID_CHARS = 256;

  private RecordFields() {}

  /**
   * Checks the fields of one record.
   *
   * @param id the id, or null when absent
   * @param text the text, or null when absent
   * @param label the label, or null when absent
   * @param annotations the annotations, or null when absent
   */
  static ParseOutcome check(
      long line,
      String id,
      String text,
      String label,
      List<Annotation> annotations,
      String source,
      Map<String, Object> meta,
      RecordLimits limits,
      String excerpt) {
    if (id == null) {
      return reject(line, RejectionReason.MISSING_ID, "field 'id' is missing", null, excerpt);
    }
    if (id.isBlank() || id.length() > MAX_ID_CHARS || hasControl(id)) {
      return reject(
          line,
          RejectionReason.INVALID_ID,
          "field 'id' must be 1.." + MAX_ID_CHARS + " characters without control characters",
          null,
          excerpt);
    }
    if (text == null) {
      return reject(line, RejectionReason.MISSING_TEXT, "field 'text' is missing", id, excerpt);
    }
    if (text.isBlank()) {
      return reject(line, RejectionReason.EMPTY_TEXT, "field 'text' is empty", id, excerpt);
    }
    if (text.length() > limits.maxTextChars()) {
      return reject(
          line,
          RejectionReason.TEXT_TOO_LONG,
          "field 'text' has "
              + text.length()
              + " characters, more than the limit of "
              + limits.maxTextChars(),
          id,
          excerpt);
    }
    boolean hasLabel = label != null;
    boolean hasAnnotations = annotations != null;
    if (hasLabel && hasAnnotations) {
      return reject(
          line,
          RejectionReason.AMBIGUOUS_LABEL,
          "give either 'label' or 'annotations', not both",
          id,
          excerpt);
    }
    if (!hasLabel && !hasAnnotations) {
      return reject(
          line,
          RejectionReason.MISSING_LABEL,
          "field 'label' (or 'annotations') is missing",
          id,
          excerpt);
    }
    if (hasLabel && (label.isBlank() || hasControl(label))) {
      return reject(
          line,
          RejectionReason.INVALID_LABEL,
          "field 'label' must be a non-empty string",
          id,
          excerpt);
    }
    if (hasAnnotations) {
      if (annotations.isEmpty()) {
        return reject(
            line, RejectionReason.INVALID_ANNOTATIONS, "field 'annotations' is empty", id, excerpt);
      }
      Set<String> seen = new HashSet<>();
      for (Annotation a : annotations) {
        if (!seen.add(a.annotator())) {
          return reject(
              line,
              RejectionReason.INVALID_ANNOTATIONS,
              "annotator '" + a.annotator() + "' labels the record more than once",
              id,
              excerpt);
        }
      }
    }
    return ParseOutcome.of(
        new IncomingRecord(
            line, id, text, label, hasAnnotations ? annotations : List.of(), source, meta));
  }

  static ParseOutcome reject(
      long line, RejectionReason reason, String detail, String id, String excerpt) {
    return ParseOutcome.rejected(new Rejection(line, reason, detail, id, excerpt));
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }
}
