package visq.gpu.rewards;

import java.util.Arrays;
import java.util.Optional;

/** The three answers of the comparison task, with their verbatim spelling. */
public enum Preference {
    IMAGE_A("Image A"),
    IMAGE_B("Image B"),
    SIMILAR("Similar");

    private final String answerText;

    Preference(String answerText) {
        this.answerText = answerText;
    }

    public String answerText() {
        return answerText;
    }

    public static Optional<Preference> fromAnswerText(String text) {
        return Arrays.stream(values()).filter(p -> p.answerText.equals(text)).findFirst();
    }
}
