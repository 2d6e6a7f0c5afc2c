package dev.tuneloop.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON schemas in {@code docs/events} and the records must describe the same contract: same
 * properties, same required fields, same types and enum values, and a message the schema rejects is
 * one the decoder rejects too.
 */
class EventSchemaTest {

  private static final ObjectMapper JSON = EventJson.newObjectMapper();
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  static Stream<TuneloopEvent> samples() {
    return SampleEvents.variants().stream();
  }

  @Test
  void docsHoldExactlyOneSchemaPerEventType() throws IOException {
    Path docs = docsDirectory();
    Set<String> files;
    try (Stream<Path> list = Files.list(docs)) {
      files =
          list.map(path -> path.getFileName().toString())
              .filter(name -> name.endsWith(".schema.json"))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> expected =
        Arrays.stream(EventType.values())
            .map(type -> type.type() + ".schema.json")
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(files).isEqualTo(expected);
    assertThat(Files.readString(docs.resolve("README.md")))
        .contains(Arrays.stream(EventType.values()).map(EventType::type).toArray(String[]::new));
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void schemaIsValidDraft202012AndNamesItsType(EventType type) throws IOException {
    JsonNode schema = schemaJson(type);
    JsonSchema metaSchema =
        FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    assertThat(metaSchema.validate(schema)).isEmpty();
    assertThat(schema.get("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.get("title").asText()).isEqualTo(type.javaType().getSimpleName());
    assertThat(schema.get("description").asText()).contains(type.type()).contains(type.topic());
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void schemaPropertiesMatchRecordComponents(EventType type) throws IOException {
    JsonNode schema = schemaJson(type);
    List<String> problems = new ArrayList<>();

    compareRecord(type.javaType(), schema, schema, type.javaType().getSimpleName(), problems);

    assertThat(problems).as("drift between %s and its schema", type.javaType()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everySampleValidatesAgainstItsSchema(TuneloopEvent event) throws IOException {
    assertThat(validate(event)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void eachOptionalFieldCanBeLeftOut(TuneloopEvent event) throws Exception {
    RecordComponent[] components = event.getClass().getRecordComponents();
    for (int i = 0; i < components.length; i++) {
      if (!isNullable(components[i])) {
        continue;
      }
      Object[] args = arguments((Record) event);
      args[i] = null;
      TuneloopEvent without;
      try {
        without = (TuneloopEvent) canonicalConstructor(event.getClass()).newInstance(args);
      } catch (java.lang.reflect.InvocationTargetException e) {
        // A rule that ties this field to another (failure <-> state failed): the message says so.
        assertThat(e.getCause())
            .isInstanceOf(InvalidEventException.class)
            .hasMessageContaining(components[i].getName());
        continue;
      }
      assertThat(JSON.readTree(EventJson.encode(without)).has(components[i].getName()))
          .as("%s written although absent", components[i].getName())
          .isFalse();
      assertThat(validate(without)).as(components[i].getName()).isEmpty();
      assertThat(EventJson.decode(event.getClass(), EventJson.encode(without))).isEqualTo(without);
    }
  }

  /**
   * Every property at every depth is removed in turn, and every string and number set to an invalid
   * value ({@code " "}, {@code -1}): the schema and the decoder must agree on each result, and a
   * rejection by the decoder must name the property.
   */
  @ParameterizedTest
  @MethodSource("samples")
  void schemaAndDecoderAgreeOnBrokenMessages(TuneloopEvent event) throws Exception {
    JsonNode original = JSON.readTree(EventJson.encode(event));
    JsonSchema schema = schema(EventType.of(event));
    List<String> disagreements = new ArrayList<>();
    int[] mutations = {0};

    forEachMutation(
        original,
        (description, property, mutated) -> {
          mutations[0]++;
          boolean schemaAccepts = schema.validate(mutated).isEmpty();
          String decoderError = null;
          try {
            EventJson.decode(event.getClass(), JSON.writeValueAsBytes(mutated));
          } catch (InvalidEventException e) {
            decoderError = e.getMessage();
          }
          if (schemaAccepts != (decoderError == null)) {
            disagreements.add(
                description
                    + ": schema "
                    + (schemaAccepts ? "accepts" : "rejects")
                    + ", decoder "
                    + (decoderError == null ? "accepts" : "rejects: " + decoderError));
          } else if (decoderError != null && !decoderError.contains(property)) {
            disagreements.add(description + ": rejection does not name it: " + decoderError);
          }
        });

    assertThat(mutations[0]).isGreaterThan(5);
    assertThat(disagreements).isEmpty();
  }

  @Test
  void schemaRejectsWhatTheRecordsRejectAcrossFields() throws IOException {
    ObjectNode failedWithoutFailure =
        (ObjectNode) JSON.readTree(EventJson.encode(SampleEvents.trainingStatusFailed()));
    failedWithoutFailure.remove("failure");

    assertThat(schema(EventType.TRAINING_STATUS).validate(failedWithoutFailure)).isNotEmpty();
    assertThatThrownBy(
            () -> EventJson.decode(TrainingStatus.class, failedWithoutFailure.toString()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("failure");
  }

  // --- schema <-> record comparison -------------------------------------------------------------

  private static void compareRecord(
      Class<?> recordType, JsonNode schema, JsonNode root, String path, List<String> problems) {
    JsonNode node = resolve(schema, root);
    if (!"object".equals(node.path("type").asText())) {
      problems.add(path + ": schema type is not object");
      return;
    }
    JsonNode properties = node.path("properties");
    Set<String> schemaNames = new TreeSet<>();
    properties.fieldNames().forEachRemaining(schemaNames::add);
    Set<String> componentNames = new TreeSet<>();
    Set<String> requiredComponents = new TreeSet<>();
    for (RecordComponent component : recordType.getRecordComponents()) {
      componentNames.add(component.getName());
      if (!isNullable(component)) {
        requiredComponents.add(component.getName());
      }
    }
    if (!schemaNames.equals(componentNames)) {
      problems.add(
          path + ": schema properties " + schemaNames + " != components " + componentNames);
    }
    Set<String> required = new TreeSet<>();
    node.path("required").forEach(name -> required.add(name.asText()));
    if (!required.equals(requiredComponents)) {
      problems.add(
          path + ": schema required " + required + " != non-@Nullable " + requiredComponents);
    }
    for (RecordComponent component : recordType.getRecordComponents()) {
      JsonNode property = properties.get(component.getName());
      if (property != null) {
        if (!property.has("description")) {
          problems.add(path + "." + component.getName() + ": no description");
        }
        compareType(
            component.getGenericType(), property, root, path + "." + component.getName(), problems);
      }
    }
  }

  private static void compareType(
      Type type, JsonNode schema, JsonNode root, String path, List<String> problems) {
    JsonNode node = resolve(schema, root);
    String schemaType = node.path("type").asText();
    if (type instanceof ParameterizedType parameterized) {
      Class<?> raw = (Class<?>) parameterized.getRawType();
      Type[] arguments = parameterized.getActualTypeArguments();
      if (raw == List.class) {
        expect(schemaType, "array", path, problems);
        compareType(arguments[0], node.path("items"), root, path + "[]", problems);
      } else if (raw == Map.class) {
        expect(schemaType, "object", path, problems);
        compareType(arguments[1], node.path("additionalProperties"), root, path + "{}", problems);
      } else {
        problems.add(path + ": unexpected generic type " + type);
      }
      return;
    }
    Class<?> cls = (Class<?>) type;
    if (cls.isRecord()) {
      compareRecord(cls, node, root, path, problems);
    } else if (cls.isEnum()) {
      expect(schemaType, "string", path, problems);
      List<String> values = new ArrayList<>();
      node.path("enum").forEach(value -> values.add(value.asText()));
      List<String> constants =
          Arrays.stream(cls.getEnumConstants())
              .map(constant -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
              .toList();
      if (!values.equals(constants)) {
        problems.add(path + ": schema enum " + values + " != " + constants);
      }
    } else if (cls == String.class) {
      expect(schemaType, "string", path, problems);
    } else if (cls == Instant.class) {
      expect(schemaType, "string", path, problems);
      if (!"date-time".equals(node.path("format").asText())) {
        problems.add(path + ": time without format date-time");
      }
    } else if (cls == int.class || cls == Integer.class || cls == long.class || cls == Long.class) {
      expect(schemaType, "integer", path, problems);
    } else if (cls == double.class || cls == Double.class) {
      expect(schemaType, "number", path, problems);
    } else if (cls == boolean.class || cls == Boolean.class) {
      expect(schemaType, "boolean", path, problems);
    } else {
      problems.add(path + ": no schema mapping for " + cls);
    }
  }

  private static void expect(String actual, String expected, String path, List<String> problems) {
    if (!expected.equals(actual)) {
      problems.add(path + ": schema type '" + actual + "', expected '" + expected + "'");
    }
  }

  private static JsonNode resolve(JsonNode schema, JsonNode root) {
    JsonNode node = schema;
    while (node.has("$ref")) {
      String ref = node.get("$ref").asText();
      assertThat(ref).startsWith("#/");
      node = root.at(ref.substring(1));
      assertThat(node.isMissingNode()).as("unresolved %s", ref).isFalse();
    }
    return node;
  }

  // --- mutations
  // ----------------------------------------------------------------------------------

  interface Mutation {
    void accept(String description, String property, JsonNode mutated) throws Exception;
  }

  private static void forEachMutation(JsonNode root, Mutation mutation) throws Exception {
    List<String> paths = new ArrayList<>();
    collectPaths(root, "", paths);
    for (String pointer : paths) {
      String property = pointer.substring(pointer.lastIndexOf('/') + 1);
      String parentPointer = pointer.substring(0, pointer.lastIndexOf('/'));
      JsonNode value = root.at(pointer);
      if (!property.matches("\\d+") && root.at(parentPointer).isObject()) {
        JsonNode copy = root.deepCopy();
        ((ObjectNode) copy.at(parentPointer)).remove(property);
        // Map entries (metrics, counts) may be removed freely; a removed map key is not a field.
        mutation.accept("remove " + pointer, property, copy);
      }
      if (value.isTextual() || value.isNumber()) {
        JsonNode copy = root.deepCopy();
        JsonNode replacement =
            value.isTextual()
                ? JSON.getNodeFactory().textNode(" ")
                : JSON.getNodeFactory().numberNode(-1);
        JsonNode parent = copy.at(parentPointer);
        if (parent.isObject()) {
          ((ObjectNode) parent).set(property, replacement);
        } else {
          ((ArrayNode) parent).set(Integer.parseInt(property), replacement);
        }
        String named =
            property.matches("\\d+")
                ? parentPointer.substring(parentPointer.lastIndexOf('/') + 1)
                : property;
        mutation.accept("set " + pointer + " to " + replacement, named, copy);
      }
    }
  }

  private static void collectPaths(JsonNode node, String pointer, List<String> paths) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String child = pointer + "/" + entry.getKey();
        paths.add(child);
        collectPaths(entry.getValue(), child, paths);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String child = pointer + "/" + i;
        paths.add(child);
        collectPaths(node.get(i), child, paths);
      }
    }
  }

  // --- helpers
  // ------------------------------------------------------------------------------------

  static boolean isNullable(RecordComponent component) {
    return component.getAnnotatedType().isAnnotationPresent(Nullable.class);
  }

  static Object[] arguments(Record record) throws ReflectiveOperationException {
    RecordComponent[] components = record.getClass().getRecordComponents();
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      args[i] = components[i].getAccessor().invoke(record);
    }
    return args;
  }

  static java.lang.reflect.Constructor<?> canonicalConstructor(Class<?> recordType)
      throws NoSuchMethodException {
    Class<?>[] types =
        Arrays.stream(recordType.getRecordComponents())
            .map(RecordComponent::getType)
            .toArray(Class<?>[]::new);
    return recordType.getDeclaredConstructor(types);
  }

  private static Set<ValidationMessage> validate(TuneloopEvent event) throws IOException {
    Set<ValidationMessage> messages =
        schema(EventType.of(event)).validate(JSON.readTree(EventJson.encode(event)));
    return new HashSet<>(messages);
  }

  private static JsonSchema schema(EventType type) throws IOException {
    return FACTORY.getSchema(schemaJson(type), CONFIG);
  }

  private static JsonNode schemaJson(EventType type) throws IOException {
    try (InputStream in =
        EventSchemaTest.class.getClassLoader().getResourceAsStream(type.schemaResource())) {
      assertThat(in).as("schema %s on the class path", type.schemaResource()).isNotNull();
      return JSON.readTree(in);
    }
  }

  private static Path docsDirectory() {
    String root = System.getProperty("tuneloop.root");
    Path docs =
        root != null && !root.isBlank()
            ? Path.of(root, "docs", "events")
            : Path.of("..", "..", "docs", "events");
    if (!Files.isDirectory(docs)) {
      docs = Path.of("..", "..", "docs", "events");
    }
    assertThat(docs).isDirectory();
    return docs;
  }
}
