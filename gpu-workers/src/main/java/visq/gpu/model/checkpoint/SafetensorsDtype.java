package visq.gpu.model.checkpoint;

import java.util.Locale;

/** The element types a safetensors tensor may have that Visq reads, by their header name. */
public enum SafetensorsDtype {
    /** IEEE 754 binary32. */
    F32(4, true),
    /** IEEE 754 binary16, widened to float32 when read. */
    F16(2, true),
    /** bfloat16 (the upper half of a binary32), widened to float32 when read. */
    BF16(2, true),
    /** 64-bit two's complement integers. */
    I64(8, false),
    /** 32-bit two's complement integers, widened to long when read. */
    I32(4, false);

    private final int bytes;
    private final boolean floating;

    SafetensorsDtype(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    /** Bytes of one element. */
    public int bytes() {
        return bytes;
    }

    /** Whether elements are floating point (read with {@code floats}) rather than integers ({@code longs}). */
    public boolean isFloating() {
        return floating;
    }

    /**
     * The dtype a header names {@code headerName}.
     *
     * @throws IllegalArgumentException naming the tensor, its file and the dtype when Visq does not read it
     */
    public static SafetensorsDtype ofHeaderName(String headerName, String tensor, String file) {
        for (SafetensorsDtype dtype : values()) {
            if (dtype.name().equals(headerName)) {
                return dtype;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "tensor '%s' in %s has unsupported dtype '%s': supported are F32, F16, BF16, I64 and I32",
                tensor, file, headerName));
    }
}
