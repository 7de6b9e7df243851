package visq.gpu.image;

import java.util.Optional;

/**
 * The width and height an encoded image's header declares, read straight from the bytes without a codec.
 *
 * <p>{@link ImageDecoder} asks an {@link javax.imageio.ImageReader} for dimensions first; codecs refuse some
 * headers (a PNG declaring width 0, for one) with a generic I/O error, and this parse tells the decoder what
 * the header actually said so the refusal can name the problem.
 *
 * @param width the declared width (unsigned formats are widened, so never negative)
 * @param height the declared height (a BMP's top-down negative height is reported as its magnitude)
 */
record DeclaredDimensions(long width, long height) {

    /** The dimensions {@code encoded} declares for {@code format}, or empty when the header is cut short. */
    static Optional<DeclaredDimensions> read(ImageFormat format, byte[] encoded) {
        switch (format) {
            case PNG:
                return readPng(encoded);
            case BMP:
                return readBmp(encoded);
            case JPEG:
                return readJpeg(encoded);
            default:
                throw new IllegalArgumentException("no header reader for " + format);
        }
    }

    boolean isZero() {
        return width == 0 || height == 0;
    }

    /** Where a BMP's pixel array starts, by its file header, or empty when the header is cut short. */
    static Optional<Long> bmpPixelOffset(byte[] encoded) {
        return encoded.length < 14 ? Optional.empty() : Optional.of(unsignedIntLittleEndian(encoded, 10));
    }

    private static Optional<DeclaredDimensions> readPng(byte[] encoded) {
        // signature (8), chunk length (4), "IHDR" (4), width (4), height (4)
        if (encoded.length < 24 || encoded[12] != 'I' || encoded[13] != 'H' || encoded[14] != 'D' || encoded[15] != 'R') {
            return Optional.empty();
        }
        return Optional.of(new DeclaredDimensions(unsignedIntBigEndian(encoded, 16), unsignedIntBigEndian(encoded, 20)));
    }

    private static Optional<DeclaredDimensions> readBmp(byte[] encoded) {
        if (encoded.length < 18) {
            return Optional.empty();
        }
        long infoHeaderSize = unsignedIntLittleEndian(encoded, 14);
        if (infoHeaderSize == 12) {
            // OS/2 BITMAPCOREHEADER: 16-bit width and height
            if (encoded.length < 22) {
                return Optional.empty();
            }
            return Optional.of(new DeclaredDimensions(unsignedShortLittleEndian(encoded, 18),
                    unsignedShortLittleEndian(encoded, 20)));
        }
        if (encoded.length < 26) {
            return Optional.empty();
        }
        long width = Math.abs((long) (int) unsignedIntLittleEndian(encoded, 18));
        long height = Math.abs((long) (int) unsignedIntLittleEndian(encoded, 22));
        return Optional.of(new DeclaredDimensions(width, height));
    }

    private static Optional<DeclaredDimensions> readJpeg(byte[] encoded) {
        int position = 2;
        while (position + 1 < encoded.length) {
            if ((encoded[position] & 0xFF) != 0xFF) {
                return Optional.empty();
            }
            int marker = encoded[position + 1] & 0xFF;
            if (marker == 0xFF) {
                position++; // fill byte
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                position += 2; // markers without a length
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA || position + 3 >= encoded.length) {
                return Optional.empty(); // end of image or start of scan before any frame header
            }
            int length = unsignedShortBigEndian(encoded, position + 2);
            if (isStartOfFrame(marker)) {
                if (position + 8 >= encoded.length) {
                    return Optional.empty();
                }
                long height = unsignedShortBigEndian(encoded, position + 5);
                long width = unsignedShortBigEndian(encoded, position + 7);
                return Optional.of(new DeclaredDimensions(width, height));
            }
            if (length < 2) {
                return Optional.empty();
            }
            position += 2 + length;
        }
        return Optional.empty();
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static long unsignedIntBigEndian(byte[] bytes, int at) {
        return ((long) (bytes[at] & 0xFF) << 24) | ((bytes[at + 1] & 0xFF) << 16)
                | ((bytes[at + 2] & 0xFF) << 8) | (bytes[at + 3] & 0xFF);
    }

    private static long unsignedIntLittleEndian(byte[] bytes, int at) {
        return ((long) (bytes[at + 3] & 0xFF) << 24) | ((bytes[at + 2] & 0xFF) << 16)
                | ((bytes[at + 1] & 0xFF) << 8) | (bytes[at] & 0xFF);
    }

    private static int unsignedShortBigEndian(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private static int unsignedShortLittleEndian(byte[] bytes, int at) {
        return ((bytes[at + 1] & 0xFF) << 8) | (bytes[at] & 0xFF);
    }
}
