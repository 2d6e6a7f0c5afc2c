package dev.tuneloop.ml.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor in host memory, independent of any engine: the exchange format between weight
 * files (safetensors, ONNX) and NDArrays.
 *
 * @param name the tensor name (Hugging Face naming once mapped)
 * @param dtype element type
 * @param shape dimensions, outermost first
 * @param data little-endian bytes, exactly {@code numElements * dtype.byteSize()} long; read from
 *     position 0 to limit
 */
public record WeightTensor(String name, TensorDType dtype, long[] shape, ByteBuffer data) {

  /** Validates that the data length matches the shape. */
  public WeightTensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    shape = shape.clone();
    long expected = elementCount(shape) * dtype.byteSize();
    if (data.remaining() != expected) {
      throw new IllegalArgumentException(
          "Tensor '"
              + name
              + "' of shape "
              + Arrays.toString(shape)
              + " and type "
              + dtype
              + " needs "
              + expected
              + " bytes but has "
              + data.remaining());
    }
    data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Number of elements. */
  public long numElements() {
    return elementCount(shape);
  }

  /** Number of bytes of data. */
  public long byteCount() {
    return data.remaining();
  }

  /** The same data under another name. */
  public WeightTensor renamed(String newName) {
    return new WeightTensor(newName, dtype, shape, data);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Returns the transpose of a 2-D float32 tensor (e.g. an ONNX MatMul weight stored [in, out]
   * turned into the [out, in] layout of a PyTorch Linear).
   */
  public WeightTensor transposed2d(String newName) {
    if (shape.length != 2 || dtype != TensorDType.F32) {
      throw new IllegalStateException(
          "Only 2-D F32 tensors can be transposed; '"
              + name
              + "' is "
              + dtype
              + " "
              + Arrays.toString(shape));
    }
    int rows = Math.toIntExact(shape[0]);
    int cols = Math.toIntExact(shape[1]);
    FloatBuffer source = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    ByteBuffer out = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer target = out.asFloatBuffer();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        target.put(c * rows + r, source.get(r * cols + c));
      }
    }
    return new WeightTensor(newName, dtype, new long[] {cols, rows}, out);
  }

  /** Reads all elements of a float32 tensor into a Java array (for small tensors and tests). */
  public float[] toFloatArray() {
    if (dtype != TensorDType.F32) {
      throw new IllegalStateException("Tensor '" + name + "' is " + dtype + ", not F32");
    }
    float[] values = new float[Math.toIntExact(numElements())];
    data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }

  /** Reads all elements of an integer tensor (I64 or I32) as longs. */
  public long[] toLongArray() {
    long[] values = new long[Math.toIntExact(numElements())];
    ByteBuffer buffer = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i++) {
      values[i] =
          switch (dtype) {
            case I64 -> buffer.getLong(i * 8);
            case I32 -> buffer.getInt(i * 4);
            default ->
                throw new IllegalStateException(
                    "Tensor '" + name + "' is " + dtype + ", not an integer type");
          };
    }
    return values;
  }

  /**
   * Copies the tensor into a new NDArray owned by {@code manager}.
   *
   * @param asType the type of the result (e.g. FLOAT32 for half-precision checkpoints), or null to
   *     keep the stored type
   */
  public NDArray toNDArray(NDManager manager, DataType asType) {
    ByteBuffer direct = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.nativeOrder());
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException("Big-endian hosts are not supported");
    }
    direct.put(data.duplicate());
    direct.rewind();
    NDArray array = manager.create(direct, new Shape(shape), dtype.djlType());
    if (asType != null && asType != array.getDataType()) {
      NDArray converted = array.toType(asType, false);
      array.close();
      return converted;
    }
    return array;
  }

  /** Copies an NDArray (from any device) into host memory. */
  public static WeightTensor fromNDArray(String name, NDArray array) {
    ByteBuffer bytes = array.toByteBuffer(true);
    ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    copy.put(bytes.order(ByteOrder.LITTLE_ENDIAN));
    copy.flip();
    return new WeightTensor(
        name, TensorDType.fromDjl(array.getDataType()), array.getShape().getShape(), copy);
  }

  /** Wraps float values as an F32 tensor. */
  public static WeightTensor ofFloats(String name, long[] shape, float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return new WeightTensor(name, TensorDType.F32, shape, buffer);
  }

  private static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("Negative dimension in " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WeightTensor that
        && name.equals(that.name)
        && dtype == that.dtype
        && Arrays.equals(shape, that.shape)
        && data.equals(that.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
