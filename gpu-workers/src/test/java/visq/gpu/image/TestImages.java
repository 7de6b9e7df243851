package visq.gpu.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import visq.gpu.image.raster.IntRgbImages;

/** Small images built in memory for tests. */
final class TestImages {

    private TestImages() {}

    /** A smooth colour gradient with a few sharp edges. */
    static BufferedImage pattern(int width, int height) {
        BufferedImage image = IntRgbImages.create(width, height);
        int[] rgb = IntRgbImages.pixels(image);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255) / Math.max(1, width - 1);
                int g = (y * 255) / Math.max(1, height - 1);
                int b = ((x / 8 + y / 8) % 2 == 0) ? 200 : 40;
                rgb[y * width + x] = (r << 16) | (g << 8) | b;
            }
        }
        return image;
    }

    /** {@code image} encoded with ImageIO's writer for {@code format} ("png", "jpeg", "bmp"). */
    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A PNG signature plus an IHDR chunk (with correct CRC) declaring {@code width × height}, then IEND. */
    static byte[] pngHeader(int width, int height) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 25 + 12);
        buffer.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        putChunk(buffer, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        putChunk(buffer, "IEND", new byte[0]);
        return buffer.array();
    }

    private static void putChunk(ByteBuffer buffer, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        buffer.putInt(data.length).put(typeBytes).put(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        buffer.putInt((int) crc.getValue());
    }
}
