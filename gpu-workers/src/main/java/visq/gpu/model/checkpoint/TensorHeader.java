package visq.gpu.model.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name the tensor's name
 * @param dtype its element type
 * @param shape its dimensions (empty for a scalar)
 * @param begin offset of its first byte within the data section (after the header)
 * @param end offset one past its last byte within the data section
 */
public record TensorHeader(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {

    public TensorHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public long elementCount() {
        long count = 1;
        for (long dimension : shape) {
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }

    /** Bytes of data: {@code end - begin}. */
    public long byteLength() {
        return end - begin;
    }

    /** The shape as {@code [a, b, c]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof TensorHeader)) {
            return false;
        }
        TensorHeader that = (TensorHeader) other;
        return name.equals(that.name) && dtype == that.dtype && Arrays.equals(shape, that.shape)
                && begin == that.begin && end == that.end;
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(name, dtype, begin, end) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + shapeText() + " [" + begin + ", " + end + ")";
    }
}
