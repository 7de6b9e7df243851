package visq.gpu.rewards;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import visq.gpu.json.FlatJsonObject;
import visq.gpu.json.MalformedJsonException;

/** The format reward (method.md §2): 1 when a response has the required shape, else 0. */
public enum FormatReward {

    /**
     * Q-Insight, strict: the whole response is {@code <think>\n…\n</think>\n<answer>\n{…}\n</answer>} with the
     * newlines exactly there, nothing before or after, no think/answer tag inside the reasoning, and an answer that
     * is exactly one flat JSON object (no brace inside it other than its own two, and valid JSON).
     */
    Q_INSIGHT_STRICT {
        @Override
        public double reward(String response) {
            Matcher m = STRICT.matcher(response);
            if (!m.matches()) {
                return 0.0;
            }
            String reasoning = m.group(1);
            for (String tag : new String[] {"<think>", "</think>", "<answer>", "</answer>"}) {
                if (reasoning.contains(tag)) {
                    return 0.0;
                }
            }
            try {
                FlatJsonObject.parse(m.group(2));
                return 1.0;
            } catch (MalformedJsonException e) {
                return 0.0;
            }
        }
    },

    /** VisualQuality-R1: the whole response matches {@code <think>.*?</think>\s*<answer>.*?</answer>} (DOTALL). */
    VISUALQUALITY_R1 {
        @Override
        public double reward(String response) {
            return LOOSE.matcher(response).matches() ? 1.0 : 0.0;
        }
    };

    private static final Pattern STRICT =
            Pattern.compile("<think>\\n(.*)\\n</think>\\n<answer>\\n(\\{[^{}]*\\})\\n</answer>", Pattern.DOTALL);
    private static final Pattern LOOSE =
            Pattern.compile("<think>.*?</think>\\s*<answer>.*?</answer>", Pattern.DOTALL);

    /** 1.0 when {@code response} has this format, else 0.0. */
    public abstract double reward(String response);
}
