package dev.tuneloop.ml.weights;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/** Element types a weight file can hold, with their safetensors and ONNX codes. */
public enum TensorDType {
  F32("F32", 1, 4, DataType.FLOAT32),
  F16("F16", 10, 2, DataType.FLOAT16),
  BF16("BF16", 16, 2, DataType.BFLOAT16),
  F64("F64", 11, 8, DataType.FLOAT64),
  I64("I64", 7, 8, DataType.INT64),
  I32("I32", 6, 4, DataType.INT32),
  I8("I8", 3, 1, DataType.INT8),
  U8("U8", 2, 1, DataType.UINT8),
  BOOL("BOOL", 9, 1, DataType.BOOLEAN);

  private final String safetensorsName;
  private final int onnxCode;
  private final int byteSize;
  private final DataType djlType;

  TensorDType(String safetensorsName, int onnxCode, int byteSize, DataType djlType) {
    this.safetensorsName = safetensorsName;
    this.onnxCode = onnxCode;
    this.byteSize = byteSize;
    this.djlType = djlType;
  }

  /** The dtype string used in a safetensors header, e.g. {@code F32}. */
  public String safetensorsName() {
    return safetensorsName;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** The matching DJL data type. */
  public DataType djlType() {
    return djlType;
  }

  /** Whether the type is a floating-point type (weights that can be trained). */
  public boolean isFloatingPoint() {
    return this == F32 || this == F16 || this == BF16 || this == F64;
  }

  /**
   * Parses a safetensors dtype string.
   *
   * @throws IllegalArgumentException if the dtype is not supported
   */
  public static TensorDType fromSafetensors(String name) {
    for (TensorDType type : values()) {
      if (type.safetensorsName.equals(name.toUpperCase(Locale.ROOT))) {
        return type;
      }
    }
    throw new IllegalArgumentException("Unsupported safetensors dtype '" + name + "'");
  }

  /**
   * Maps an ONNX {@code TensorProto.DataType} code.
   *
   * @throws IllegalArgumentException if the code is not supported
   */
  public static TensorDType fromOnnx(int code) {
    for (TensorDType type : values()) {
      if (type.onnxCode == code) {
        return type;
      }
    }
    throw new IllegalArgumentException("Unsupported ONNX tensor data type " + code);
  }

  /**
   * Maps a DJL data type.
   *
   * @throws IllegalArgumentException if the type has no safetensors equivalent
   */
  public static TensorDType fromDjl(DataType type) {
    for (TensorDType candidate : values()) {
      if (candidate.djlType == type) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("DJL data type " + type + " cannot be stored");
  }
}
