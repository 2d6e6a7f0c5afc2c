package dev.tuneloop.curation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordReaderTest {

  static List<ParseOutcome> read(RecordReader.Format format, byte[] bytes, RecordLimits limits) {
    RecordReader reader = RecordReader.open(format, new ByteArrayInputStream(bytes), limits);
    List<ParseOutcome> out = new ArrayList<>();
    for (ParseOutcome o; (o = reader.next()) != null; ) {
      out.add(o);
    }
    return out;
  }

  static List<ParseOutcome> ndjson(String text) {
    return read(
        RecordReader.Format.NDJSON,
        text.getBytes(StandardCharsets.UTF_8),
        new RecordLimits(200, 50));
  }

  @Test
  void readsValidRecordsWithLineNumbersAndSkipsBlankLines() {
    List<ParseOutcome> out =
        ndjson(
            "{\"id\":\"a\",\"text\":\"hello\",\"label\":\"ham\",\"source\":\"s\",\"meta\":{\"t\":1}}\n"
                + "\n"
                + "{\"id\":7,\"text\":\"x\",\"annotations\":[{\"annotator\":\"p\",\"label\":\"spam\"}]}\r\n");
    assertThat(out).hasSize(2);
    IncomingRecord first = out.get(0).record();
    assertThat(first.line()).isEqualTo(1);
    assertThat(first.label()).isEqualTo("ham");
    assertThat(first.meta()).containsEntry("t", 1);
    IncomingRecord second = out.get(1).record();
    assertThat(second.line()).isEqualTo(3);
    assertThat(second.id()).isEqualTo("7");
    assertThat(second.annotations()).containsExactly(new Annotation("p", "spam"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed_json|{\"id\":\"a\",\"text\":",
        "malformed_json|{\"id\":\"a\",\"id\":\"b\",\"text\":\"t\",\"label\":\"x\"}",
        "not_an_object|[1,2]",
        "missing_id|{\"text\":\"t\",\"label\":\"x\"}",
        "invalid_id|{\"id\":{\"a\":1},\"text\":\"t\",\"label\":\"x\"}",
        "invalid_id|{\"id\":\"   \",\"text\":\"t\",\"label\":\"x\"}",
        "missing_text|{\"id\":\"a\",\"label\":\"x\"}",
        "invalid_text|{\"id\":\"a\",\"text\":42,\"label\":\"x\"}",
        "empty_text|{\"id\":\"a\",\"text\":\" \\t \",\"label\":\"x\"}",
        "text_too_long|{\"id\":\"a\",\"text\":\"0123456789012345678901234567890123456789012345678901\",\"label\":\"x\"}",
        "missing_label|{\"id\":\"a\",\"text\":\"t\"}",
        "ambiguous_label|{\"id\":\"a\",\"text\":\"t\",\"label\":\"x\",\"annotations\":[]}",
        "invalid_label|{\"id\":\"a\",\"text\":\"t\",\"label\":true}",
        "invalid_label|{\"id\":\"a\",\"text\":\"t\",\"label\":\"\"}",
        "invalid_annotations|{\"id\":\"a\",\"text\":\"t\",\"annotations\":[]}",
        "invalid_annotations|{\"id\":\"a\",\"text\":\"t\",\"annotations\":{}}",
        "invalid_annotations|{\"id\":\"a\",\"text\":\"t\",\"annotations\":[{\"annotator\":\"p\"}]}",
        "invalid_annotations|{\"id\":\"a\",\"text\":\"t\",\"annotations\":[{\"annotator\":\"p\",\"label\":\"x\"},{\"annotator\":\"p\",\"label\":\"y\"}]}",
        "invalid_field|{\"id\":\"a\",\"text\":\"t\",\"label\":\"x\",\"meta\":[1]}",
        "invalid_field|{\"id\":\"a\",\"text\":\"t\",\"label\":\"x\",\"source\":1}",
      })
  void rejectsEachKindOfBadRecordWithItsReasonAndLine(String reason, String line) {
    List<ParseOutcome> out =
        ndjson("{\"id\":\"ok\",\"text\":\"fine\",\"label\":\"x\"}\n" + line + "\n");
    assertThat(out).hasSize(2);
    assertThat(out.get(0).record()).isNotNull();
    Rejection rejection = out.get(1).rejection();
    assertThat(rejection).isNotNull();
    assertThat(rejection.reason().code()).isEqualTo(reason);
    assertThat(rejection.line()).isEqualTo(2);
    assertThat(rejection.detail()).isNotBlank();
  }

  @Test
  void rejectsInvalidUtf8AndOverlongLinesButReadsOn() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("{\"id\":\"a\",\"text\":\"".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
    bytes.writeBytes("\",\"label\":\"x\"}\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        ("{\"id\":\"b\",\"text\":\"" + "y".repeat(300) + "\",\"label\":\"x\"}\n")
            .getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(
        "{\"id\":\"c\",\"text\":\"ok\",\"label\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    List<ParseOutcome> out =
        read(RecordReader.Format.NDJSON, bytes.toByteArray(), new RecordLimits(200, 50));
    assertThat(out).hasSize(3);
    assertThat(out.get(0).rejection().reason()).isEqualTo(RejectionReason.INVALID_UTF8);
    assertThat(out.get(1).rejection().reason()).isEqualTo(RejectionReason.LINE_TOO_LONG);
    assertThat(out.get(1).rejection().line()).isEqualTo(2);
    assertThat(out.get(2).record().id()).isEqualTo("c");
    assertThat(out.get(2).record().line()).isEqualTo(3);
  }

  @Test
  void readsCsvWithQuotesCommasLineBreaksAndExtraColumnsAsMeta() {
    String csv =
        "\uFEFFid,text,label,thread\n"
            + "1,plain,ham,t1\n"
            + "2,\"with, comma and \"\"quotes\"\"\",spam,t2\n"
            + "3,\"two\nlines\",ham,t3\n"
            + "4,too,many,columns,here\n"
            + "5,,ham,t5\n"
            + "6,\"never closed,ham,t6\n";
    List<ParseOutcome> out =
        read(RecordReader.Format.CSV, csv.getBytes(StandardCharsets.UTF_8), RecordLimits.DEFAULT);
    assertThat(out).hasSize(6);
    assertThat(out.get(0).record().meta()).containsEntry("thread", "t1");
    assertThat(out.get(1).record().text()).isEqualTo("with, comma and \"quotes\"");
    assertThat(out.get(2).record().text()).isEqualTo("two\nlines");
    assertThat(out.get(2).record().line()).isEqualTo(4);
    assertThat(out.get(3).rejection().reason()).isEqualTo(RejectionReason.MALFORMED_CSV);
    assertThat(out.get(3).rejection().line()).isEqualTo(6);
    assertThat(out.get(4).rejection().reason()).isEqualTo(RejectionReason.MISSING_TEXT);
    assertThat(out.get(5).rejection().reason()).isEqualTo(RejectionReason.MALFORMED_CSV);
  }

  @Test
  void csvWithoutRequiredColumnIsRefusedAsAWhole() {
    assertThatThrownBy(
            () ->
                read(
                    RecordReader.Format.CSV,
                    "id,body,label\n1,x,y\n".getBytes(StandardCharsets.UTF_8),
                    RecordLimits.DEFAULT))
        .isInstanceOf(MalformedBatchException.class)
        .hasMessageContaining("'text'");
    assertThatThrownBy(() -> read(RecordReader.Format.CSV, new byte[0], RecordLimits.DEFAULT))
        .isInstanceOf(MalformedBatchException.class);
  }
}
