package dev.tuneloop.curation.domain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads NDJSON: one JSON object per line. */
final class NdjsonRecordReader implements RecordReader {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private final ByteLineReader lines;
  private final RecordLimits limits;

  NdjsonRecordReader(InputStream in, RecordLimits limits) {
    this.lines = new ByteLineReader(in, limits.maxLineBytes());
    this.limits = limits;
  }

  @Override
  public ParseOutcome next() {
    while (true) {
      ByteLineReader.Line line = lines.next();
      if (line == null) {
        return null;
      }
      if (line.tooLong()) {
        return RecordFields.reject(
            line.number(),
            RejectionReason.LINE_TOO_LONG,
            "line is longer than " + limits.maxLineBytes() + " bytes",
            null,
            "");
      }
      String text = StrictUtf8.decode(line.bytes());
      if (text == null) {
        return RecordFields.reject(
            line.number(),
            RejectionReason.INVALID_UTF8,
            "line is not valid UTF-8",
            null,
            StrictUtf8.lenient(line.bytes()));
      }
      if (text.isBlank()) {
        continue;
      }
      return parse(line.number(), text);
    }
  }

  private ParseOutcome parse(long number, String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return RecordFields.reject(
          number,
          RejectionReason.MALFORMED_JSON,
          "not valid JSON: " + e.getOriginalMessage(),
          null,
          line);
    }
    if (node == null || !node.isObject()) {
      return RecordFields.reject(
          number, RejectionReason.NOT_AN_OBJECT, "a record must be a JSON object", null, line);
    }
    JsonNode idNode = node.get("id");
    String id = null;
    if (idNode != null && !idNode.isNull()) {
      if (idNode.isTextual() || idNode.isIntegralNumber()) {
        id = idNode.asText();
      } else {
        return RecordFields.reject(
            number,
            RejectionReason.INVALID_ID,
            "field 'id' must be a string or integer",
            null,
            line);
      }
    }
    String recordId = id;
    JsonNode textNode = node.get("text");
    String text = null;
    if (textNode != null && !textNode.isNull()) {
      if (!textNode.isTextual()) {
        return RecordFields.reject(
            number, RejectionReason.INVALID_TEXT, "field 'text' must be a string", recordId, line);
      }
      text = textNode.textValue();
    }
    JsonNode labelNode = node.get("label");
    String label = null;
    if (labelNode != null && !labelNode.isNull()) {
      if (!labelNode.isTextual()) {
        return RecordFields.reject(
            number,
            RejectionReason.INVALID_LABEL,
            "field 'label' must be a string",
            recordId,
            line);
      }
      label = labelNode.textValue();
    }
    List<Annotation> annotations = null;
    JsonNode annotationsNode = node.get("annotations");
    if (annotationsNode != null && !annotationsNode.isNull()) {
      if (!annotationsNode.isArray()) {
        return RecordFields.reject(
            number,
            RejectionReason.INVALID_ANNOTATIONS,
            "field 'annotations' must be an array",
            recordId,
            line);
      }
      annotations = new ArrayList<>();
      int index = 0;
      for (JsonNode a : annotationsNode) {
        JsonNode annotator = a.get("annotator");
        JsonNode value = a.get("label");
        if (!a.isObject()
            || annotator == null
            || !annotator.isTextual()
            || annotator.textValue().isBlank()
            || value == null
            || !value.isTextual()
            || value.textValue().isBlank()) {
          return RecordFields.reject(
              number,
              RejectionReason.INVALID_ANNOTATIONS,
              "annotations[" + index + "] must be {\"annotator\": \"...\", \"label\": \"...\"}",
              recordId,
              line);
        }
        annotations.add(new Annotation(annotator.textValue(), value.textValue()));
        index++;
      }
    }
    JsonNode sourceNode = node.get("source");
    String source = null;
    if (sourceNode != null && !sourceNode.isNull()) {
      if (!sourceNode.isTextual()) {
        return RecordFields.reject(
            number,
            RejectionReason.INVALID_FIELD,
            "field 'source' must be a string",
            recordId,
            line);
      }
      source = sourceNode.textValue();
    }
    Map<String, Object> meta = null;
    JsonNode metaNode = node.get("meta");
    if (metaNode != null && !metaNode.isNull()) {
      if (!metaNode.isObject()) {
        return RecordFields.reject(
            number,
            RejectionReason.INVALID_FIELD,
            "field 'meta' must be an object",
            recordId,
            line);
      }
      meta = JSON.convertValue(metaNode, Map.class);
    }
    return RecordFields.check(number, id, text, label, annotations, source, meta, limits, line);
  }
}
