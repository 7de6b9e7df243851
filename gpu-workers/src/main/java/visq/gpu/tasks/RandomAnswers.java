package visq.gpu.tasks;

import java.util.SplittableRandom;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

/**
 * Cold-start target responses whose labels are drawn at random instead of read from the data: the answer format and
 * the language of the templates, with the image's true label withheld. A policy trained on them learns how to answer
 * and how answers are distributed, but nothing about what a given image shows; reinforcement learning then has to
 * learn perception from the rewards alone (the rl-first recipe).
 *
 * <p>Labels are uniform: the degradation label over "none" and every class × severity (21 labels, as the generated
 * degradation sets hold them), the score over [1, 5].
 */
public final class RandomAnswers {

    private static final int DEGRADATION_LABELS = 1 + DegradationClass.values().length * Severity.values().length;

    private RandomAnswers() {}

    /** A target response for {@code task} with a label drawn from {@code random}. */
    public static String target(QualityTask task, SplittableRandom random) {
        return ResponseTemplates.forTask(task, () -> degradationLabel(random), () -> score(random));
    }

    /** A degradation label, uniform over "none" and the 20 class × severity pairs. */
    public static DegradationLabel degradationLabel(SplittableRandom random) {
        int drawn = random.nextInt(DEGRADATION_LABELS);
        if (drawn == 0) {
            return DegradationLabel.none();
        }
        int pair = drawn - 1;
        return DegradationLabel.of(DegradationClass.values()[pair / Severity.values().length],
                Severity.values()[pair % Severity.values().length]);
    }

    /** A normalised score, uniform over [1, 5]. */
    public static double score(SplittableRandom random) {
        return 1 + 4 * random.nextDouble();
    }
}
