package dev.tuneloop.ml.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A protobuf message being written, without generated code: fields are appended in order (varints,
 * length-delimited strings, bytes and nested messages). Sizes are computed before anything is
 * written, so large byte fields (tensor data) are copied exactly once, straight into the output.
 */
final class ProtoMessage {

  private static final int VARINT = 0;
  private static final int FIXED32 = 5;
  private static final int LENGTH_DELIMITED = 2;

  /** One encoded field: its size in bytes and how to write it. */
  private interface Part {
    long size();

    void writeTo(OutputStream out) throws IOException;
  }

  private final List<Part> parts = new ArrayList<>();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private long size = -1;

  /** Appends a varint field (int32, int64, enum, bool). */
  ProtoMessage varint(int field, long value) {
    tag(field, VARINT);
    writeVarint(pending, value);
    return this;
  }

  /** Appends a float field (fixed32). */
  ProtoMessage float32(int field, float value) {
    tag(field, FIXED32);
    int bits = Float.floatToRawIntBits(value);
    for (int i = 0; i < 4; i++) {
      pending.write((bits >>> (8 * i)) & 0xFF);
    }
    return this;
  }

  /** Appends a string field (UTF-8). */
  ProtoMessage string(int field, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    tag(field, LENGTH_DELIMITED);
    writeVarint(pending, bytes.length);
    pending.writeBytes(bytes);
    return this;
  }

  /** Appends a packed repeated int64 field. */
  ProtoMessage packedInt64(int field, long[] values) {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    for (long value : values) {
      writeVarint(packed, value);
    }
    tag(field, LENGTH_DELIMITED);
    writeVarint(pending, packed.size());
    pending.writeBytes(packed.toByteArray());
    return this;
  }

  /** Appends a bytes field whose content is written from {@code data} (position to limit). */
  ProtoMessage bytes(int field, ByteBuffer data) {
    ByteBuffer view = data.slice();
    tag(field, LENGTH_DELIMITED);
    writeVarint(pending, view.remaining());
    flushPending();
    parts.add(
        new Part() {
          @Override
          public long size() {
            return view.remaining();
          }

          @Override
          public void writeTo(OutputStream out) throws IOException {
            ByteBuffer source = view.duplicate();
            if (source.hasArray()) {
              out.write(
                  source.array(), source.arrayOffset() + source.position(), source.remaining());
              return;
            }
            byte[] chunk = new byte[Math.min(1 << 20, source.remaining())];
            while (source.hasRemaining()) {
              int n = Math.min(chunk.length, source.remaining());
              source.get(chunk, 0, n);
              out.write(chunk, 0, n);
            }
          }
        });
    return this;
  }

  /** Appends a nested message. */
  ProtoMessage message(int field, ProtoMessage nested) {
    tag(field, LENGTH_DELIMITED);
    flushPending();
    parts.add(
        new Part() {
          @Override
          public long size() {
            long inner = nested.size();
            return varintSize(inner) + inner;
          }

          @Override
          public void writeTo(OutputStream out) throws IOException {
            writeVarint(out, nested.size());
            nested.writeTo(out);
          }
        });
    return this;
  }

  /** The encoded size in bytes. */
  long size() {
    flushPending();
    if (size < 0) {
      long total = 0;
      for (Part part : parts) {
        total += part.size();
      }
      size = total;
    }
    return size;
  }

  /** Writes the encoded message (without a length prefix). */
  void writeTo(OutputStream out) throws IOException {
    flushPending();
    for (Part part : parts) {
      part.writeTo(out);
    }
  }

  private void tag(int field, int wireType) {
    if (size >= 0) {
      throw new IllegalStateException("message already measured; it cannot change any more");
    }
    writeVarint(pending, ((long) field << 3) | wireType);
  }

  private void flushPending() {
    if (pending.size() == 0) {
      return;
    }
    byte[] bytes = pending.toByteArray();
    pending.reset();
    parts.add(
        new Part() {
          @Override
          public long size() {
            return bytes.length;
          }

          @Override
          public void writeTo(OutputStream out) throws IOException {
            out.write(bytes);
          }
        });
  }

  static int varintSize(long value) {
    int bytes = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      bytes++;
    }
    return bytes;
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static void writeVarint(OutputStream out, long value) throws IOException {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
