package dev.tuneloop.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventJsonTest {

  static Stream<TuneloopEvent> samples() {
    return SampleEvents.variants().stream();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everyEventSurvivesJsonRoundTrip(TuneloopEvent event) {
    byte[] json = EventJson.encode(event);

    assertThat(EventJson.decode(EventType.of(event).type(), json)).isEqualTo(event);
    assertThat(EventJson.decode(event.getClass(), json)).isEqualTo(event);
  }

  @Test
  void timesAreIsoStringsAndEnumsLowerCase() throws Exception {
    JsonNode json = tree(SampleEvents.trainingStatusFailed());

    assertThat(json.get("reportedAt").asText()).isEqualTo("2026-11-24T10:20:30Z");
    assertThat(json.get("state").asText()).isEqualTo("failed");
    assertThat(tree(SampleEvents.trainingRequested()).get("reason").asText()).isEqualTo("new_data");
    assertThat(tree(SampleEvents.dataIngested()).get("ingestedAt").asText())
        .isEqualTo("2026-11-24T10:15:30.123456Z");
  }

  @Test
  void absentOptionalFieldsAreLeftOutNotNull() {
    String json = EventJson.encodeToString(SampleEvents.trainingStatusRunning());

    assertThat(json).doesNotContain("null").doesNotContain("\"failure\"");
  }

  @Test
  void unknownPropertiesAreIgnoredSoAddingAFieldIsCompatible() throws Exception {
    ObjectNode json = (ObjectNode) tree(SampleEvents.feedback());
    json.put("someFutureField", "v").putObject("nested").put("x", 1);

    assertThat(EventJson.decode(Feedback.class, json.toString()))
        .isEqualTo(SampleEvents.feedback());
  }

  @Test
  void missingPrimitiveIsRejectedNotDefaultedToZero() throws Exception {
    ObjectNode json = (ObjectNode) tree(SampleEvents.trainingStatusRunning());
    json.remove("step");

    assertThatThrownBy(() -> EventJson.decode(TrainingStatus.class, json.toString()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining(TrainingStatus.TYPE)
        .hasMessageContaining("step");
  }

  @Test
  void constructorRuleViolationNamesTypePathAndField() throws Exception {
    ObjectNode json = (ObjectNode) tree(SampleEvents.modelEvaluatedFail());
    ((ObjectNode) json.get("reasons").get(0)).put("gate", " ");

    assertThatThrownBy(() -> EventJson.decode(ModelEvaluated.class, json.toString()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage(
            "Invalid dev.tuneloop.model.evaluated.v1 event at reasons[0]: gate is required and"
                + " must not be blank");
  }

  @Test
  void wrongJsonTypesAreRejected() throws Exception {
    ObjectNode quoted = (ObjectNode) tree(SampleEvents.trainingStatusRunning());
    quoted.put("step", "120");
    ObjectNode fraction = (ObjectNode) tree(SampleEvents.trainingStatusRunning());
    fraction.put("epoch", 1.5);
    ObjectNode unknownEnum = (ObjectNode) tree(SampleEvents.trainingStatusRunning());
    unknownEnum.put("state", "exploded");

    for (ObjectNode json : new ObjectNode[] {quoted, fraction, unknownEnum}) {
      assertThatThrownBy(() -> EventJson.decode(TrainingStatus.class, json.toString()))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageStartingWith("Invalid dev.tuneloop.training.status.v1 event at ");
    }
  }

  @Test
  void garbageAndNullAreRejected() {
    assertThatThrownBy(
            () ->
                EventJson.decode(
                    Feedback.class, "{\"requestId\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining(Feedback.TYPE);
    assertThatThrownBy(() -> EventJson.decode(Feedback.class, "null"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("JSON null");
    assertThatThrownBy(() -> EventJson.decode(Feedback.class, "{} {}"))
        .isInstanceOf(InvalidEventException.class);
  }

  @Test
  void unknownTypeIsRejectedWithTheKnownOnes() {
    assertThatThrownBy(() -> EventJson.decode("dev.tuneloop.nope.v1", new byte[] {'{', '}'}))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("dev.tuneloop.nope.v1")
        .hasMessageContaining(Feedback.TYPE);
  }

  private static JsonNode tree(TuneloopEvent event) throws Exception {
    return EventJson.newObjectMapper().readTree(EventJson.encode(event));
  }
}
