package visq.gpu.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import visq.gpu.image.raster.IntRgbImages;

/** A JPEG round trip through the JDK's codec at an explicit quality, which is deterministic for given pixels. */
final class JpegCompression {

    /** Our own output is trusted; only the format has to be right. */
    private static final ImageLimits OWN_OUTPUT = new ImageLimits(Long.MAX_VALUE, Long.MAX_VALUE, 1);

    private JpegCompression() {}

    /** {@code image} encoded as JPEG at {@code quality} (0..1) and decoded again. */
    static BufferedImage apply(BufferedImage image, float quality) {
        byte[] encoded = encode(image, quality);
        try {
            return ImageDecoder.decode(encoded, OWN_OUTPUT);
        } catch (InvalidImageException e) {
            throw new IllegalStateException("the JDK's JPEG codec could not read its own output: " + e.getMessage(), e);
        }
    }

    /** {@code image} encoded as JPEG at {@code quality} (0..1). */
    static byte[] encode(BufferedImage image, float quality) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this Java runtime has no ImageIO writer for JPEG");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(output);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(IntRgbImages.toIntRgb(image), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding into memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
