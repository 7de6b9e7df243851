package visq.gpu.model.qwen;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import visq.gpu.golden.Golden;
import visq.gpu.golden.StrictJson;
import visq.gpu.image.raster.IntRgbImages;

/**
 * Reads the fixtures {@code tools/qwen-reference/image_golden.py} writes (image processor and position ids) from
 * the test classpath ({@code /qwen-image/}).
 */
final class QwenImageGolden {

    static final String ROOT = "/qwen-image/";

    private QwenImageGolden() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String name) {
        return (Map<String, Object>) StrictJson.parse(new String(bytes(name), StandardCharsets.UTF_8));
    }

    static byte[] bytes(String name) {
        try (InputStream in = QwenImageGolden.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + ROOT + name + " on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A committed PNG as a compact RGB image. */
    static BufferedImage png(String name) {
        try {
            BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(bytes(name)));
            return IntRgbImages.toIntRgb(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A committed little-endian float32 file. */
    static float[] float32(String name) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buffer.remaining() / Float.BYTES];
        buffer.asFloatBuffer().get(out);
        return out;
    }

    /** The image-processor cases of image-golden.json. */
    static List<Map<String, Object>> imageCases() {
        return Golden.objects(json("image-golden.json").get("cases"));
    }

    static Map<String, Object> imageCase(String name) {
        return imageCases().stream().filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no image case " + name));
    }

    /** The processor settings of a case, with the reference's patch sizes, mean and std. */
    static QwenImageProcessorConfig config(Map<String, Object> imageCase) {
        Map<String, Object> processor = Golden.objects(List.of(json("image-golden.json").get("processor"))).get(0);
        return new QwenImageProcessorConfig(
                (long) Golden.number(imageCase.get("minPixels")),
                (long) Golden.number(imageCase.get("maxPixels")),
                (int) Golden.number(processor.get("patchSize")),
                (int) Golden.number(processor.get("temporalPatchSize")),
                (int) Golden.number(processor.get("mergeSize")),
                Golden.floats(processor.get("imageMean")),
                Golden.floats(processor.get("imageStd")));
    }

    static int integer(Object value) {
        return (int) Golden.number(value);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] littleEndian(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }
}
