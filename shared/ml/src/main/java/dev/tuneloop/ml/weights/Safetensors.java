package dev.tuneloop.ml.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 * an 8-byte little-endian header length, a JSON header mapping each tensor name to its dtype, shape
 * and byte range, then the raw little-endian data.
 *
 * <p>Files are memory-mapped on read, so a tensor's bytes are only paged in when used.
 */
public final class Safetensors {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METADATA_KEY = "__metadata__";

  /** Guards against reading a huge header from a file that is not safetensors at all. */
  private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private Safetensors() {}

  /** The tensors of a safetensors file, in file order, plus its string metadata. */
  public record Contents(Map<String, WeightTensor> tensors, Map<String, String> metadata) {

    /**
     * Returns a tensor by name.
     *
     * @throws IllegalArgumentException naming the missing tensor
     */
    public WeightTensor require(String name) {
      WeightTensor tensor = tensors.get(name);
      if (tensor == null) {
        throw new IllegalArgumentException(
            "Tensor '" + name + "' is missing; the file holds " + tensors.keySet());
      }
      return tensor;
    }
  }

  /**
   * Reads a safetensors file.
   *
   * @throws IOException if the file cannot be read or is not a valid safetensors file (the message
   *     says which tensor or field is wrong)
   */
  public static Contents read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < 8) {
        throw new IOException(file + " is not a safetensors file: only " + size + " bytes");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0);
      long headerLength = lengthBytes.getLong(0);
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
        throw new IOException(
            file + " is not a safetensors file: header length " + headerLength + " is invalid");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(channel, headerBytes, 8);
      JsonNode header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
      if (!header.isObject()) {
        throw new IOException(file + ": safetensors header is not a JSON object");
      }
      long dataStart = 8 + headerLength;
      long dataLength = size - dataStart;
      if (dataLength > Integer.MAX_VALUE) {
        // A single mapping is limited to 2 GiB; larger models would need one mapping per tensor.
        throw new IOException(file + " is larger than 2 GiB of tensor data, which is unsupported");
      }
      ByteBuffer mapped =
          channel
              .map(FileChannel.MapMode.READ_ONLY, dataStart, dataLength)
              .order(ByteOrder.LITTLE_ENDIAN);

      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, WeightTensor> tensors = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (METADATA_KEY.equals(field.getKey())) {
          field
              .getValue()
              .fields()
              .forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
          continue;
        }
        tensors.put(field.getKey(), parseTensor(file, field.getKey(), field.getValue(), mapped));
      }
      return new Contents(tensors, metadata);
    }
  }

  private static WeightTensor parseTensor(Path file, String name, JsonNode entry, ByteBuffer data)
      throws IOException {
    JsonNode dtype = entry.get("dtype");
    JsonNode shape = entry.get("shape");
    JsonNode offsets = entry.get("data_offsets");
    if (dtype == null || shape == null || offsets == null || offsets.size() != 2) {
      throw new IOException(
          file + ": tensor '" + name + "' lacks dtype, shape or a two-element data_offsets");
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i).asLong();
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (begin < 0 || end < begin || end > data.capacity()) {
      throw new IOException(
          file
              + ": tensor '"
              + name
              + "' has data_offsets ["
              + begin
              + ", "
              + end
              + "] outside the file");
    }
    ByteBuffer slice = data.slice((int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
    try {
      return new WeightTensor(name, TensorDType.fromSafetensors(dtype.asText()), dims, slice);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes tensors to a safetensors file, atomically: the data goes to a temporary file in the same
   * folder that is then moved over {@code file}, so a reader never sees a half-written file.
   *
   * @param metadata string key/values stored under {@code __metadata__} (may be empty)
   */
  public static void write(
      Path file, Collection<WeightTensor> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject(METADATA_KEY);
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (WeightTensor tensor : tensors) {
      if (header.has(tensor.name())) {
        throw new IllegalArgumentException("Duplicate tensor name '" + tensor.name() + "'");
      }
      ObjectNode entry = header.putObject(tensor.name());
      entry.put("dtype", tensor.dtype().safetensorsName());
      var shape = entry.putArray("shape");
      for (long dim : tensor.shape()) {
        shape.add(dim);
      }
      var offsets = entry.putArray("data_offsets");
      offsets.add(offset);
      offset += tensor.byteCount();
      offsets.add(offset);
    }
    byte[] headerJson = JSON.writeValueAsBytes(header);
    // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
    int padded = (headerJson.length + 7) / 8 * 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded);
    prefix.put(headerJson);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }
    prefix.flip();

    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        writeFully(out, prefix);
        for (WeightTensor tensor : tensors) {
          writeFully(out, tensor.data().duplicate());
        }
        out.force(true);
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Writes tensors without metadata. */
  public static void write(Path file, Collection<WeightTensor> tensors) throws IOException {
    write(file, tensors, Map.of());
  }

  private static void readFully(FileChannel channel, ByteBuffer target, long position)
      throws IOException {
    long pos = position;
    while (target.hasRemaining()) {
      int read = channel.read(target, pos);
      if (read < 0) {
        throw new IOException("Unexpected end of file");
      }
      pos += read;
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer source) throws IOException {
    while (source.hasRemaining()) {
      channel.write(source);
    }
  }
}
