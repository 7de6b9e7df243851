package visq.gpu.tasks;

import java.util.List;
import visq.gpu.image.ImageTensor;

/** The one place that holds the verbatim prompt texts of every task (method.md §1). */
public final class PromptCatalogue {

    /** Q-Insight's system prompt. */
    public static final String Q_INSIGHT_SYSTEM =
            "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
                    + "The assistant first thinks about the reasoning process in the mind and then provides the user "
                    + "with the answer. The reasoning process and answer are enclosed within <think> </think> and "
                    + "<answer> </answer> tags, respectively, i.e., <think> reasoning process here </think>"
                    + "<answer> answer here </answer>";

    static final String SCORE_USER =
            "What is your overall rating on the quality of this picture? The rating should be a float between 1 "
                    + "and 5, rounded to two decimal places, with 1 representing very poor quality and 5 representing "
                    + "excellent quality. Return the final answer in JSON format with the following key: \"rating\".";

    static final String SCORE_NUMBER_USER =
            "You are doing the image quality assessment task. Here is the question: What is your overall rating "
                    + "on the quality of this picture? The rating should be a float between 1 and 5, rounded to two "
                    + "decimal places, with 1 representing very poor quality and 5 representing excellent quality. "
                    + "First output the thinking process in <think> </think> tags and then output the final answer "
                    + "with only one score in <answer> </answer> tags.";

    static final String DEGRADATION_USER =
            "Analyze the given image and determine if it contains any of the following distortions: \"noise\", "
                    + "\"compression\", \"blur\", or \"darken\". If a distortion is present, classify its severity as "
                    + "\"slight\", \"moderate\", \"obvious\", \"serious\", or \"catastrophic\". Return the result in "
                    + "JSON format with the following keys: \"distortion_class\" and \"severity\". If no distortion "
                    + "is found, return null for both keys.";

    static final String COMPARISON_USER =
            "Given a reference image and two distorted images (Image A and Image B), which distorted image has "
                    + "better quality? Answer with \"Image A\", \"Image B\" or \"Similar\".";

    private PromptCatalogue() {}

    /** The user text of {@code task}. */
    public static String userText(QualityTask task) {
        switch (task) {
            case SCORE:
                return SCORE_USER;
            case SCORE_NUMBER:
                return SCORE_NUMBER_USER;
            case DEGRADATION:
                return DEGRADATION_USER;
            case COMPARISON:
                return COMPARISON_USER;
            default:
                throw new IllegalArgumentException("no prompt for task " + task);
        }
    }

    /** The system text of {@code task}: Q-Insight's for its tasks, none for VisualQuality-R1. */
    public static String systemText(QualityTask task) {
        return task == QualityTask.SCORE_NUMBER ? "" : Q_INSIGHT_SYSTEM;
    }

    /** Every text a prompt can contain, for building vocabularies. */
    public static List<String> allTexts() {
        return List.of(Q_INSIGHT_SYSTEM, SCORE_USER, SCORE_NUMBER_USER, DEGRADATION_USER, COMPARISON_USER);
    }

    /** The prompt of {@code task} over {@code images}. */
    public static PolicyPrompt prompt(QualityTask task, List<ImageTensor> images) {
        return new PolicyPrompt(task, images, systemText(task), userText(task));
    }
}
