package visq.deploy.eval;

import java.awt.image.BufferedImage;
import visq.gpu.tasks.QualityTask;

/** Answers one image for one task as the serving path does, and says which weights answered. */
public interface ImageAnswering {

    /** The answer to {@code task} for {@code image}; {@code seed} drives sampling when decoding samples. */
    ImageAnswer answer(String sampleId, BufferedImage image, QualityTask task, long seed);

    long weightVersion();

    String modelId();

    /** Whether answers are decoded under the answer constraint ({@code visq.router.sampling.constrained-answers}). */
    boolean constrainsAnswers();
}
