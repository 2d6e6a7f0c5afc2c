package dev.tuneloop.ml.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an ONNX model that weight import needs: the graph's nodes (operator, inputs,
 * outputs, attributes) and its initializers (the stored weights), read straight from the protobuf
 * wire format.
 *
 * <p>Field numbers follow onnx.proto: ModelProto.graph=7; GraphProto.node=1, initializer=5,
 * input=11, output=12; NodeProto input=1, output=2, name=3, op_type=4, attribute=5; TensorProto
 * dims=1, data_type=2, float_data=4, int32_data=5, int64_data=7, name=8, raw_data=9,
 * data_location=14.
 */
public final class OnnxModel {

  /** One graph node. */
  public record Node(
      String name,
      String opType,
      List<String> inputs,
      List<String> outputs,
      Map<String, Attribute> attributes) {}

  /** A node attribute; only the fields weight import uses are kept. */
  public record Attribute(String name, Long intValue, Float floatValue, WeightTensor tensor) {}

  private final List<Node> nodes;
  private final Map<String, WeightTensor> initializers;
  private final List<String> graphInputs;
  private final List<String> graphOutputs;
  private final Map<String, Node> producers = new LinkedHashMap<>();
  private final Map<String, List<Node>> consumers = new LinkedHashMap<>();

  private OnnxModel(
      List<Node> nodes,
      Map<String, WeightTensor> initializers,
      List<String> graphInputs,
      List<String> graphOutputs) {
    this.nodes = List.copyOf(nodes);
    this.initializers = Collections.unmodifiableMap(initializers);
    this.graphInputs = List.copyOf(graphInputs);
    this.graphOutputs = List.copyOf(graphOutputs);
    for (Node node : nodes) {
      for (String output : node.outputs()) {
        producers.put(output, node);
      }
      for (String input : node.inputs()) {
        consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
      }
    }
  }

  /**
   * Reads an ONNX file (memory-mapped; initializer data stays in the mapping).
   *
   * @throws IOException if the file is unreadable, not ONNX, or stores weights externally
   */
  public static OnnxModel read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() > Integer.MAX_VALUE) {
        throw new IOException(file + " is larger than 2 GiB; such models keep external data");
      }
      ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      try {
        return parse(mapped);
      } catch (IOException e) {
        throw new IOException(file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Reads an ONNX model from a stream (e.g. a classpath resource), fully into memory. */
  public static OnnxModel read(InputStream in) throws IOException {
    return parse(ByteBuffer.wrap(in.readAllBytes()));
  }

  /** Parses a serialized ModelProto. */
  public static OnnxModel parse(ByteBuffer modelProto) throws IOException {
    ProtoReader model = new ProtoReader(modelProto);
    ByteBuffer graph = null;
    while (model.hasMore()) {
      if (model.nextField() == 7 && model.wireType() == ProtoReader.LENGTH_DELIMITED) {
        graph = model.readBytes();
      } else {
        model.skip();
      }
    }
    if (graph == null) {
      throw new IOException("not an ONNX model: ModelProto has no graph");
    }
    List<Node> nodes = new ArrayList<>();
    Map<String, WeightTensor> initializers = new LinkedHashMap<>();
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    ProtoReader reader = new ProtoReader(graph);
    while (reader.hasMore()) {
      int field = reader.nextField();
      switch (field) {
        case 1 -> nodes.add(parseNode(reader.readBytes()));
        case 5 -> {
          WeightTensor tensor = parseTensor(reader.readBytes());
          initializers.put(tensor.name(), tensor);
        }
        case 11 -> inputs.add(valueInfoName(reader.readBytes()));
        case 12 -> outputs.add(valueInfoName(reader.readBytes()));
        default -> reader.skip();
      }
    }
    return new OnnxModel(nodes, initializers, inputs, outputs);
  }

  /** All nodes in graph order. */
  public List<Node> nodes() {
    return nodes;
  }

  /** Initializers by name, in file order. */
  public Map<String, WeightTensor> initializers() {
    return initializers;
  }

  /** Names of the graph inputs (including initializers listed as inputs by old exporters). */
  public List<String> graphInputs() {
    return graphInputs;
  }

  /** Names of the graph outputs. */
  public List<String> graphOutputs() {
    return graphOutputs;
  }

  /** The node that produces {@code value}, if any (graph inputs and initializers have none). */
  public Optional<Node> producer(String value) {
    return Optional.ofNullable(producers.get(value));
  }

  /** The nodes that read {@code value}. */
  public List<Node> consumers(String value) {
    return consumers.getOrDefault(value, List.of());
  }

  /**
   * The constant tensor behind a value: an initializer or the output of a {@code Constant} node.
   */
  public Optional<WeightTensor> constant(String value) {
    WeightTensor initializer = initializers.get(value);
    if (initializer != null) {
      return Optional.of(initializer);
    }
    Node node = producers.get(value);
    if (node != null && node.opType().equals("Constant")) {
      Attribute attribute = node.attributes().get("value");
      if (attribute != null && attribute.tensor() != null) {
        return Optional.of(attribute.tensor());
      }
    }
    return Optional.empty();
  }

  private static Node parseNode(ByteBuffer bytes) throws IOException {
    ProtoReader reader = new ProtoReader(bytes);
    String name = "";
    String opType = "";
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Map<String, Attribute> attributes = new LinkedHashMap<>();
    while (reader.hasMore()) {
      switch (reader.nextField()) {
        case 1 -> inputs.add(reader.readString());
        case 2 -> outputs.add(reader.readString());
        case 3 -> name = reader.readString();
        case 4 -> opType = reader.readString();
        case 5 -> {
          Attribute attribute = parseAttribute(reader.readBytes());
          attributes.put(attribute.name(), attribute);
        }
        default -> reader.skip();
      }
    }
    return new Node(name, opType, List.copyOf(inputs), List.copyOf(outputs), attributes);
  }

  private static Attribute parseAttribute(ByteBuffer bytes) throws IOException {
    ProtoReader reader = new ProtoReader(bytes);
    String name = "";
    Long intValue = null;
    Float floatValue = null;
    WeightTensor tensor = null;
    while (reader.hasMore()) {
      int field = reader.nextField();
      if (field == 1) {
        name = reader.readString();
      } else if (field == 2 && reader.wireType() == ProtoReader.FIXED32) {
        floatValue = reader.readFixed32Float();
      } else if (field == 3 && reader.wireType() == ProtoReader.VARINT) {
        intValue = reader.readVarint();
      } else if (field == 5 && reader.wireType() == ProtoReader.LENGTH_DELIMITED) {
        tensor = parseTensor(reader.readBytes());
      } else {
        reader.skip();
      }
    }
    return new Attribute(name, intValue, floatValue, tensor);
  }

  private static String valueInfoName(ByteBuffer bytes) throws IOException {
    ProtoReader reader = new ProtoReader(bytes);
    while (reader.hasMore()) {
      if (reader.nextField() == 1) {
        return reader.readString();
      }
      reader.skip();
    }
    return "";
  }

  private static WeightTensor parseTensor(ByteBuffer bytes) throws IOException {
    ProtoReader reader = new ProtoReader(bytes);
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    ByteBuffer raw = null;
    List<Float> floats = new ArrayList<>();
    List<Long> longs = new ArrayList<>();
    boolean external = false;
    while (reader.hasMore()) {
      int field = reader.nextField();
      switch (field) {
        case 1 -> reader.readInt64s(dims::add);
        case 2 -> dataType = (int) reader.readVarint();
        case 4 -> {
          if (reader.wireType() == ProtoReader.LENGTH_DELIMITED) {
            FloatBuffer packed = reader.readBytes().asFloatBuffer();
            while (packed.hasRemaining()) {
              floats.add(packed.get());
            }
          } else {
            floats.add(reader.readFixed32Float());
          }
        }
        case 5, 7 -> reader.readInt64s(longs::add);
        case 8 -> name = reader.readString();
        case 9 -> raw = reader.readBytes();
        case 14 -> external = reader.readVarint() == 1;
        default -> reader.skip();
      }
    }
    if (external) {
      throw new IOException(
          "tensor '" + name + "' keeps its data in an external file, which is not supported");
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    TensorDType dtype;
    try {
      dtype = TensorDType.fromOnnx(dataType);
    } catch (IllegalArgumentException e) {
      throw new IOException("tensor '" + name + "': " + e.getMessage(), e);
    }
    if (raw != null) {
      return new WeightTensor(name, dtype, shape, raw);
    }
    ByteBuffer data;
    if (!floats.isEmpty()) {
      data = ByteBuffer.allocate(floats.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
      floats.forEach(data::putFloat);
    } else {
      data = ByteBuffer.allocate(longs.size() * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
      for (long value : longs) {
        switch (dtype.byteSize()) {
          case 8 -> data.putLong(value);
          case 4 -> data.putInt((int) value);
          case 2 -> data.putShort((short) value);
          default -> data.put((byte) value);
        }
      }
    }
    data.flip();
    return new WeightTensor(name, dtype, shape, data);
  }
}
