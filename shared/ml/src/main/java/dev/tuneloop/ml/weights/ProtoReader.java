package dev.tuneloop.ml.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of the protobuf wire format: just enough to walk ONNX messages without a
 * generated schema. Length-delimited fields are returned as zero-copy slices of the input.
 */
final class ProtoReader {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final ByteBuffer buffer;
  private int lastWireType;

  ProtoReader(ByteBuffer buffer) {
    this.buffer = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  boolean hasMore() {
    return buffer.hasRemaining();
  }

  /** Reads the next field tag and returns its field number; {@link #wireType()} gives its type. */
  int nextField() throws IOException {
    long tag = readVarint();
    lastWireType = (int) (tag & 7);
    return (int) (tag >>> 3);
  }

  int wireType() {
    return lastWireType;
  }

  long readVarint() throws IOException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!buffer.hasRemaining()) {
        throw new IOException("Truncated protobuf varint");
      }
      byte b = buffer.get();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IOException("Malformed protobuf varint");
  }

  ByteBuffer readBytes() throws IOException {
    long length = readVarint();
    if (length < 0 || length > buffer.remaining()) {
      throw new IOException(
          "Protobuf field of "
              + length
              + " bytes runs past the end ("
              + buffer.remaining()
              + " left)");
    }
    ByteBuffer slice = buffer.slice(buffer.position(), (int) length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.position(buffer.position() + (int) length);
    return slice;
  }

  String readString() throws IOException {
    ByteBuffer bytes = readBytes();
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);
    return new String(array, StandardCharsets.UTF_8);
  }

  float readFixed32Float() throws IOException {
    require(4);
    return buffer.getFloat();
  }

  /** Skips the value of the field whose tag was just read. */
  void skip() throws IOException {
    switch (lastWireType) {
      case VARINT -> readVarint();
      case FIXED64 -> advance(8);
      case LENGTH_DELIMITED -> readBytes();
      case FIXED32 -> advance(4);
      default -> throw new IOException("Unsupported protobuf wire type " + lastWireType);
    }
  }

  /**
   * Reads a repeated int64 field that may be packed (one length-delimited run) or not (one varint
   * per tag), appending to {@code sink}.
   */
  void readInt64s(LongSink sink) throws IOException {
    if (lastWireType == LENGTH_DELIMITED) {
      ProtoReader packed = new ProtoReader(readBytes());
      while (packed.hasMore()) {
        sink.accept(packed.readVarint());
      }
    } else {
      sink.accept(readVarint());
    }
  }

  private void advance(int bytes) throws IOException {
    require(bytes);
    buffer.position(buffer.position() + bytes);
  }

  private void require(int bytes) throws IOException {
    if (buffer.remaining() < bytes) {
      throw new IOException("Truncated protobuf field");
    }
  }

  @FunctionalInterface
  interface LongSink {
    void accept(long value);
  }
}
