package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import visq.gpu.image.ImageStatistics;
import visq.gpu.image.ImageTensor;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/** Deterministic images and prompts for model tests. */
final class TestPrompts {

    private TestPrompts() {}

    /** A 32x64 image of smooth gradients plus seeded noise. */
    static ImageTensor image(long seed) {
        int h = 32;
        int w = 64;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[3 * h * w];
        int phase = random.nextInt(64);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int value = (x * 3 + y * 2 + c * 40 + phase) % 256 + random.nextInt(-20, 21);
                    pixels[(c * h + y) * w + x] = (byte) Math.max(0, Math.min(255, value));
                }
            }
        }
        return ImageTensor.of(h, w, pixels);
    }

    /** Seeded image statistics in [-1, 1), the undefined-value flag and what follows it 0. */
    static float[] statistics(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[ImageStatistics.COUNT];
        for (int i = 0; i < ImageStatistics.UNDEFINED_FLAG; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    static PolicyPrompt prompt(QualityTask task, long seed) {
        List<ImageTensor> images = new ArrayList<>();
        for (int i = 0; i < task.imageCount(); i++) {
            images.add(image(seed * 31 + i));
        }
        return PromptCatalogue.prompt(task, images);
    }

    /**
     * Makes eos likely so rows of a group finish at different steps: final-norm bias 1 in every dimension and head
     * column {@code eos} {@code weight} in every dimension, which adds {@code 64 * weight} to the eos logit.
     */
    static void boostEos(CompactVisionLanguagePolicy model, float weight) {
        List<String> names = model.trainableParameterNames();
        NDArray beta = model.trainableParameters().get(names.indexOf("final.norm.beta"));
        float[] ones = new float[Math.toIntExact(beta.size())];
        java.util.Arrays.fill(ones, 1f);
        beta.set(FloatBuffer.wrap(ones));
        NDArray head = model.trainableParameters().get(names.indexOf("head.weight"));
        long vocabulary = head.getShape().get(1);
        float[] values = head.toFloatArray();
        int eos = model.tokenizer().eosId();
        for (int row = 0; row < head.getShape().get(0); row++) {
            values[(int) (row * vocabulary) + eos] = weight;
        }
        head.set(FloatBuffer.wrap(values));
    }

    static PolicyPrompt score(long seed) {
        return prompt(QualityTask.SCORE, seed);
    }
}
