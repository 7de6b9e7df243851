package visq.gpu.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import visq.gpu.image.InvalidImageException.Problem;
import visq.gpu.image.raster.IntRgbImages;

/**
 * Decodes untrusted PNG, JPEG or BMP bytes into a {@link BufferedImage#TYPE_INT_RGB} image within
 * {@link ImageLimits}.
 *
 * <p>Checks run in this order, each refusal an {@link InvalidImageException} whose {@link Problem} and message
 * name what was wrong: empty input; more bytes than allowed; a format other than PNG, JPEG or BMP by magic
 * bytes; then the header's dimensions, read with an {@link ImageReader} before any pixel is decoded (zero,
 * too small, too many pixels); finally the pixel data itself (truncated or corrupt). Bad bytes never escape
 * as a {@link RuntimeException}: codec failures, and codec warnings (the JPEG codec only warns about a
 * truncated file and fills the rest with grey), become {@link Problem#CORRUPT}. Memory is bounded
 * because pixels are only allocated after the declared size has passed the pixel limit. Caching uses memory
 * only, never temporary files.
 */
public final class ImageDecoder {

    private ImageDecoder() {}

    /** Decodes {@code encoded} within {@code limits}. */
    public static BufferedImage decode(byte[] encoded, ImageLimits limits) throws InvalidImageException {
        if (encoded == null || encoded.length == 0) {
            throw new InvalidImageException(Problem.EMPTY, "image is empty: no bytes were given");
        }
        if (encoded.length > limits.maxEncodedBytes()) {
            throw tooManyBytes(encoded.length, limits);
        }
        Optional<ImageFormat> sniffed = ImageFormat.sniff(encoded);
        if (sniffed.isEmpty()) {
            throw new InvalidImageException(Problem.UNKNOWN_FORMAT, "image format unknown: expected PNG, JPEG or BMP"
                    + " magic bytes, saw " + ImageFormat.describeStart(encoded) + " (" + encoded.length + " bytes)");
        }
        ImageFormat format = sniffed.get();
        if (format == ImageFormat.BMP) {
            checkBmpPixelOffset(encoded);
        }
        ImageReader reader = readerFor(format);
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            reader.setInput(input, true, true);
            checkDimensions(reader, format, encoded, limits);
            BufferedImage image = readPixels(reader, format);
            return IntRgbImages.toIntRgb(image);
        } catch (IOException | RuntimeException e) {
            throw corrupt(format, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Reads and decodes the file at {@code path}; a file over the byte limit is refused before it is read.
     *
     * @throws IOException if the file cannot be read
     */
    public static BufferedImage decode(Path path, ImageLimits limits) throws IOException, InvalidImageException {
        long size = Files.size(path);
        if (size > limits.maxEncodedBytes()) {
            throw tooManyBytes(size, limits);
        }
        try {
            return decode(Files.readAllBytes(path), limits);
        } catch (InvalidImageException e) {
            throw new InvalidImageException(e.problem(), path + ": " + e.getMessage(), e);
        }
    }

    private static void checkDimensions(ImageReader reader, ImageFormat format, byte[] encoded, ImageLimits limits)
            throws InvalidImageException {
        long width;
        long height;
        try {
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            Optional<DeclaredDimensions> declared = DeclaredDimensions.read(format, encoded);
            if (declared.isPresent() && declared.get().isZero()) {
                throw zeroSize(format, declared.get().width(), declared.get().height());
            }
            throw new InvalidImageException(Problem.CORRUPT, format + " header is unreadable: " + e.getMessage(), e);
        }
        if (width <= 0 || height <= 0) {
            throw zeroSize(format, width, height);
        }
        if (width < limits.minSide() || height < limits.minSide()) {
            throw new InvalidImageException(Problem.TOO_SMALL, format + " image is too small: " + width + "x" + height
                    + ", each side must be at least " + limits.minSide() + " pixels");
        }
        if (width * height > limits.maxPixels()) {
            throw new InvalidImageException(Problem.TOO_MANY_PIXELS, format + " header declares " + width + "x"
                    + height + " = " + width * height + " pixels, over the limit of " + limits.maxPixels());
        }
    }

    private static BufferedImage readPixels(ImageReader reader, ImageFormat format) throws InvalidImageException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage image;
        try {
            image = reader.read(0, reader.getDefaultReadParam());
        } catch (IOException | RuntimeException e) {
            throw corrupt(format, e);
        }
        if (image == null) {
            throw new InvalidImageException(Problem.CORRUPT, format + " data is corrupt: the decoder produced no image");
        }
        if (!warnings.isEmpty()) {
            // the JPEG codec fills a truncated image with grey and only warns
            throw new InvalidImageException(Problem.CORRUPT,
                    format + " data is truncated or corrupt: " + String.join("; ", warnings));
        }
        return image;
    }

    /** A BMP palette is sized from the declared pixel offset, so an offset past the end is refused up front. */
    private static void checkBmpPixelOffset(byte[] encoded) throws InvalidImageException {
        Optional<Long> offset = DeclaredDimensions.bmpPixelOffset(encoded);
        if (offset.isEmpty() || offset.get() > encoded.length) {
            throw new InvalidImageException(Problem.CORRUPT, "BMP data is truncated or corrupt: pixel data offset "
                    + offset.map(String::valueOf).orElse("missing") + " lies beyond the " + encoded.length + " bytes");
        }
    }

    private static ImageReader readerFor(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new IllegalStateException("this Java runtime has no ImageIO reader for " + format);
        }
        return readers.next();
    }

    private static InvalidImageException tooManyBytes(long size, ImageLimits limits) {
        return new InvalidImageException(Problem.TOO_MANY_BYTES,
                "image has " + size + " encoded bytes, over the limit of " + limits.maxEncodedBytes());
    }

    private static InvalidImageException zeroSize(ImageFormat format, long width, long height) {
        return new InvalidImageException(Problem.ZERO_SIZE,
                format + " header declares a zero-sized image: " + width + "x" + height);
    }

    private static InvalidImageException corrupt(ImageFormat format, Exception cause) {
        return new InvalidImageException(Problem.CORRUPT,
                format + " data is truncated or corrupt: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                cause);
    }
}
