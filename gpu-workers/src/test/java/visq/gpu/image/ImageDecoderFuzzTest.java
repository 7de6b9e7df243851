package visq.gpu.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import visq.gpu.image.InvalidImageException.Problem;

/** Feeds seeded random and mutated inputs to the decoder: only success or InvalidImageException may result. */
class ImageDecoderFuzzTest {

    private static final int CASES = 2000;

    @Test
    void onlySucceedsOrRefusesWithInvalidImageException() throws IOException {
        List<byte[]> seeds = List.of(
                TestImages.encode(TestImages.pattern(48, 40), "png"),
                TestImages.encode(TestImages.pattern(48, 40), "jpeg"),
                TestImages.encode(TestImages.pattern(48, 40), "bmp"),
                TestImages.pngHeader(64, 64),
                Files.readAllBytes(SharedData.file("clive/images/1001.JPG")),
                Files.readAllBytes(SharedData.file("calibration/dist/I19.bmp")));
        SplittableRandom random = new SplittableRandom(20250101L);
        Map<Problem, Integer> refusals = new EnumMap<>(Problem.class);
        int decoded = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] input = mutate(seeds.get(i % seeds.size()), random);
            try {
                BufferedImage image = ImageDecoder.decode(input, ImageLimits.defaults());
                assertNotNull(image);
                assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
                decoded++;
            } catch (InvalidImageException e) {
                refusals.merge(e.problem(), 1, Integer::sum);
            } catch (Throwable t) {
                fail("case " + i + " (" + input.length + " bytes starting " + ImageFormat.describeStart(input)
                        + ") escaped as " + t, t);
            }
        }
        assertEquals(CASES, decoded + refusals.values().stream().mapToInt(Integer::intValue).sum());
        // the mutations reach past the magic-byte check into the codecs, and some survive
        assertTrue(decoded > 0, "no mutated input decoded: " + refusals);
        assertTrue(refusals.getOrDefault(Problem.CORRUPT, 0) > 100, "too few corrupt cases: " + refusals);
    }

    private static byte[] mutate(byte[] seed, SplittableRandom random) {
        switch (random.nextInt(5)) {
            case 0: { // flip a few bytes
                byte[] out = seed.clone();
                int flips = 1 + random.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
                return out;
            }
            case 1: // truncate
                return Arrays.copyOf(seed, random.nextInt(seed.length));
            case 2: { // keep the magic, randomise the rest
                byte[] out = new byte[8 + random.nextInt(600)];
                random.nextBytes(out);
                System.arraycopy(seed, 0, out, 0, Math.min(8, out.length));
                return out;
            }
            case 3: { // overwrite a header region, where sizes and offsets live
                byte[] out = seed.clone();
                int at = random.nextInt(Math.min(out.length, 64));
                int length = Math.min(out.length - at, 1 + random.nextInt(6));
                for (int k = 0; k < length; k++) {
                    out[at + k] = (byte) random.nextInt(256);
                }
                return out;
            }
            default: { // plain random bytes
                byte[] out = new byte[random.nextInt(300)];
                random.nextBytes(out);
                return out;
            }
        }
    }
}
