package visq.gpu.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import visq.gpu.image.InvalidImageException.Problem;
import visq.gpu.image.raster.IntRgbImages;

class ImageDecoderTest {

    private static final ImageLimits LIMITS = ImageLimits.defaults();

    private static byte[] read(String relative) throws IOException {
        return Files.readAllBytes(SharedData.file(relative));
    }

    private static InvalidImageException refused(byte[] encoded) {
        return assertThrows(InvalidImageException.class, () -> ImageDecoder.decode(encoded, LIMITS));
    }

    @Test
    void decodesRealPng() throws Exception {
        BufferedImage image = ImageDecoder.decode(read("clive/images/100.png"), LIMITS);
        assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        assertEquals(500, image.getWidth());
        assertEquals(500, image.getHeight());
    }

    @Test
    void decodesRealJpegWithTheSamePixelsAsImageIo() throws Exception {
        Path file = SharedData.file("clive/images/1001.JPG");
        BufferedImage image = ImageDecoder.decode(Files.readAllBytes(file), LIMITS);
        BufferedImage reference = ImageIO.read(file.toFile());
        assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        assertEquals(reference.getWidth(), image.getWidth());
        assertEquals(reference.getHeight(), image.getHeight());
        for (int y = 0; y < image.getHeight(); y += 37) {
            for (int x = 0; x < image.getWidth(); x += 41) {
                assertEquals(reference.getRGB(x, y) & 0xFFFFFF, image.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void decodesRealBmp() throws Exception {
        Path file = SharedData.file("calibration/dist/I03.bmp");
        BufferedImage image = ImageDecoder.decode(file, LIMITS);
        BufferedImage reference = ImageIO.read(file.toFile());
        assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        assertEquals(reference.getWidth(), image.getWidth());
        assertEquals(reference.getRGB(10, 20) & 0xFFFFFF, image.getRGB(10, 20) & 0xFFFFFF);
    }

    @Test
    void decodesTheOddlySizedCliveJpeg() throws Exception {
        BufferedImage image = ImageDecoder.decode(read("clive/images/1024.JPG"), LIMITS);
        assertEquals(640 * 960, image.getWidth() * image.getHeight());
    }

    @Test
    void keepsGreyValuesAsStored() throws Exception {
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(3, 4, 0, 100);
        BufferedImage decoded = ImageDecoder.decode(TestImages.encode(grey, "png"), LIMITS);
        assertEquals(0x646464, decoded.getRGB(3, 4) & 0xFFFFFF);
        assertEquals(0, decoded.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void roundTripsLosslessFormatsExactly() throws Exception {
        BufferedImage pattern = TestImages.pattern(40, 30);
        for (String format : new String[] {"png", "bmp"}) {
            BufferedImage decoded = ImageDecoder.decode(TestImages.encode(pattern, format), LIMITS);
            assertArrayEquals(IntRgbImages.pixels(pattern), IntRgbImages.pixels(decoded), format);
        }
    }

    @Test
    void refusesEmptyInput() {
        assertEquals(Problem.EMPTY, refused(new byte[0]).problem());
        assertEquals(Problem.EMPTY, refused(null).problem());
    }

    @Test
    void refusesTooManyBytesBeforeLookingAtThem() {
        byte[] huge = new byte[(int) LIMITS.maxEncodedBytes() + 1];
        System.arraycopy(TestImages.pngHeader(10, 10), 0, huge, 0, 45);
        InvalidImageException e = refused(huge);
        assertEquals(Problem.TOO_MANY_BYTES, e.problem());
        assertTrue(e.getMessage().contains(String.valueOf(huge.length)), e.getMessage());
    }

    @Test
    void refusesRandomBytesAsUnknownFormat() {
        byte[] random = new byte[1000];
        new SplittableRandom(7).nextBytes(random);
        random[0] = 0x13;
        assertEquals(Problem.UNKNOWN_FORMAT, refused(random).problem());
    }

    @Test
    void namesTheMagicBytesOfAnUnknownFormat() {
        byte[] gif = "GIF89a\u0001\u0000".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        InvalidImageException e = refused(gif);
        assertEquals(Problem.UNKNOWN_FORMAT, e.problem());
        assertTrue(e.getMessage().contains("47 49 46 38 39 61"), e.getMessage());
    }

    @Test
    void refusesAPngWithABrokenSignature() throws Exception {
        byte[] png = read("clive/images/100.png");
        png[1] = 'X';
        assertEquals(Problem.UNKNOWN_FORMAT, refused(png).problem());
    }

    @Test
    void refusesTruncatedPng() throws Exception {
        byte[] png = read("clive/images/100.png");
        InvalidImageException e = refused(Arrays.copyOf(png, png.length / 2));
        assertEquals(Problem.CORRUPT, e.problem());
        assertTrue(e.getMessage().startsWith("PNG"), e.getMessage());
    }

    @Test
    void refusesTruncatedJpeg() throws Exception {
        byte[] jpeg = read("clive/images/1001.JPG");
        InvalidImageException e = refused(Arrays.copyOf(jpeg, jpeg.length / 2));
        assertEquals(Problem.CORRUPT, e.problem());
        assertTrue(e.getMessage().startsWith("JPEG"), e.getMessage());
    }

    @Test
    void refusesJpegCutInsideItsHeader() throws Exception {
        byte[] jpeg = read("clive/images/1001.JPG");
        assertEquals(Problem.CORRUPT, refused(Arrays.copyOf(jpeg, 40)).problem());
    }

    @Test
    void refusesTruncatedBmp() throws Exception {
        byte[] bmp = read("calibration/dist/I03.bmp");
        assertEquals(Problem.CORRUPT, refused(Arrays.copyOf(bmp, bmp.length / 2)).problem());
    }

    @Test
    void refusesAPngHeaderClaimingTenThousandSquaredWithoutAllocating() {
        byte[] header = TestImages.pngHeader(10_000, 10_000);
        InvalidImageException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refused(header));
        assertEquals(Problem.TOO_MANY_PIXELS, e.problem());
        assertTrue(e.getMessage().contains("10000x10000"), e.getMessage());
    }

    @Test
    void refusesZeroSizedPngHeader() {
        InvalidImageException e = refused(TestImages.pngHeader(0, 10));
        assertEquals(Problem.ZERO_SIZE, e.problem());
        assertTrue(e.getMessage().contains("0x10"), e.getMessage());
    }

    @Test
    void refusesZeroSizedBmpHeader() throws Exception {
        byte[] bmp = read("calibration/dist/I03.bmp");
        ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(18, 0);
        assertEquals(Problem.ZERO_SIZE, refused(bmp).problem());
    }

    @Test
    void refusesZeroSizedJpegHeader() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.pattern(32, 32), "jpeg");
        int sof = indexOfMarker(jpeg, 0xC0);
        jpeg[sof + 5] = 0;
        jpeg[sof + 6] = 0; // height 0
        assertEquals(Problem.ZERO_SIZE, refused(jpeg).problem());
    }

    @Test
    void refusesImagesSmallerThanTheMinimumSide() {
        byte[] tiny = TestImages.encode(TestImages.pattern(4, 20), "png");
        InvalidImageException e = refused(tiny);
        assertEquals(Problem.TOO_SMALL, e.problem());
        assertTrue(e.getMessage().contains("4x20"), e.getMessage());
    }

    @Test
    void refusesAFileOverTheByteLimitBeforeReadingIt() throws Exception {
        ImageLimits small = new ImageLimits(1000, LIMITS.maxPixels(), LIMITS.minSide());
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> ImageDecoder.decode(SharedData.file("clive/images/100.png"), small));
        assertEquals(Problem.TOO_MANY_BYTES, e.problem());
    }

    @Test
    void refusesABmpWhosePixelOffsetLiesBeyondTheFile() throws Exception {
        byte[] bmp = read("calibration/dist/I03.bmp");
        ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(10, Integer.MAX_VALUE);
        assertEquals(Problem.CORRUPT, refused(bmp).problem());
    }

    private static int indexOfMarker(byte[] jpeg, int marker) {
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        throw new AssertionError("no marker " + Integer.toHexString(marker));
    }
}
