package visq.gpu.rewards;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import visq.gpu.json.FlatJsonObject;
import visq.gpu.json.MalformedJsonException;
import visq.gpu.tasks.AnswerGrammar;
import visq.gpu.tasks.QualityTask;

/**
 * Reads answers out of responses ({@code <think>…</think><answer>…</answer>}), per method.md §1–2. Never throws on
 * model text: malformed text of every kind gives an {@code Unparsable} value with the reason.
 *
 * <ul>
 *   <li>Q-Insight JSON answers are read from the FIRST {@code <answer>…</answer>} block, whose content (trimmed) must
 *       be exactly one flat JSON object ({@link FlatJsonObject}).
 *   <li>VisualQuality-R1 answers are read from the LAST block (non-greedy {@code <answer>(.*?)</answer>}, as its
 *       released code does) and the score is the first number in it ({@code [-+]?(\d+(\.\d*)?|\.\d+)}).
 *   <li>Comparison answers are read from the first block: its content, trimmed and stripped of surrounding quotes and
 *       a final period, must be {@code Image A}, {@code Image B} or {@code Similar}; otherwise, if exactly one of
 *       these phrases occurs in it, that one.
 * </ul>
 */
public final class AnswerParser {

    private static final String OPEN = AnswerGrammar.OPEN;
    private static final String CLOSE = AnswerGrammar.CLOSE;
    private static final Pattern BLOCK = Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL);
    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)");

    private AnswerParser() {}

    /** The content of the first {@code <answer>} block, empty when there is no complete block. */
    public static Optional<String> firstAnswerBlock(String response) {
        int open = response.indexOf(OPEN);
        if (open < 0) {
            return Optional.empty();
        }
        int close = response.indexOf(CLOSE, open + OPEN.length());
        return close < 0 ? Optional.empty() : Optional.of(response.substring(open + OPEN.length(), close));
    }

    /** The content of the last {@code <answer>} block, empty when there is none. */
    public static Optional<String> lastAnswerBlock(String response) {
        Matcher matcher = BLOCK.matcher(response);
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1);
        }
        return Optional.ofNullable(last);
    }

    /** Whether {@code response} holds an answer to {@code task} that its reader above accepts. */
    public static boolean parses(QualityTask task, String response) {
        switch (task) {
            case SCORE:
                return qInsightRating(response).isParsed();
            case SCORE_NUMBER:
                return visualQualityScore(response).isParsed();
            case DEGRADATION:
                return qInsightDegradation(response) instanceof ParsedDegradation.Answer;
            case COMPARISON:
                return comparison(response) instanceof ParsedComparison.Choice;
            default:
                throw new IllegalArgumentException("no answer reader for task " + task.id());
        }
    }

    /** Q-Insight score: {@code {"rating": <number>}} in the first answer block. */
    public static ParsedScore qInsightRating(String response) {
        Optional<String> block = firstAnswerBlock(response);
        if (block.isEmpty()) {
            return new ParsedScore.Unparsable("no <answer>...</answer> block");
        }
        FlatJsonObject json;
        try {
            json = FlatJsonObject.parse(block.get());
        } catch (MalformedJsonException e) {
            return new ParsedScore.Unparsable("answer is not a flat JSON object: " + e.getMessage());
        }
        OptionalDouble rating = json.number("rating");
        if (rating.isEmpty()) {
            return new ParsedScore.Unparsable(json.has("rating") ? "\"rating\" is not a number" : "no \"rating\" key");
        }
        return new ParsedScore.Score(rating.getAsDouble());
    }

    /** VisualQuality-R1 score: the first number in the last answer block. */
    public static ParsedScore visualQualityScore(String response) {
        Optional<String> block = lastAnswerBlock(response);
        if (block.isEmpty()) {
            return new ParsedScore.Unparsable("no <answer>...</answer> block");
        }
        Matcher number = NUMBER.matcher(block.get());
        if (!number.find()) {
            return new ParsedScore.Unparsable("no number in the last answer block");
        }
        double value = Double.parseDouble(number.group());
        return Double.isFinite(value)
                ? new ParsedScore.Score(value)
                : new ParsedScore.Unparsable("number out of range: " + number.group());
    }

    /** Q-Insight degradation: {@code {"distortion_class": …, "severity": …}} (strings or nulls) in the first block. */
    public static ParsedDegradation qInsightDegradation(String response) {
        Optional<String> block = firstAnswerBlock(response);
        if (block.isEmpty()) {
            return new ParsedDegradation.Unparsable("no <answer>...</answer> block");
        }
        FlatJsonObject json;
        try {
            json = FlatJsonObject.parse(block.get());
        } catch (MalformedJsonException e) {
            return new ParsedDegradation.Unparsable("answer is not a flat JSON object: " + e.getMessage());
        }
        for (String key : List.of("distortion_class", "severity")) {
            if (!json.has(key)) {
                return new ParsedDegradation.Unparsable("no \"" + key + "\" key");
            }
            if (!json.isNull(key) && json.string(key).isEmpty()) {
                return new ParsedDegradation.Unparsable("\"" + key + "\" is neither a string nor null");
            }
        }
        return new ParsedDegradation.Answer(json.string("distortion_class"), json.string("severity"));
    }

    /** Comparison: {@code Image A}, {@code Image B} or {@code Similar} in the first answer block. */
    public static ParsedComparison comparison(String response) {
        Optional<String> block = firstAnswerBlock(response);
        if (block.isEmpty()) {
            return new ParsedComparison.Unparsable("no <answer>...</answer> block");
        }
        String content = block.get().strip();
        if (content.endsWith(".")) {
            content = content.substring(0, content.length() - 1);
        }
        if (content.length() >= 2 && content.startsWith("\"") && content.endsWith("\"")) {
            content = content.substring(1, content.length() - 1);
        }
        Optional<Preference> exact = Preference.fromAnswerText(content);
        if (exact.isPresent()) {
            return new ParsedComparison.Choice(exact.get());
        }
        List<Preference> mentioned = new ArrayList<>();
        for (Preference p : Preference.values()) {
            if (content.contains(p.answerText())) {
                mentioned.add(p);
            }
        }
        if (mentioned.size() == 1) {
            return new ParsedComparison.Choice(mentioned.get(0));
        }
        return new ParsedComparison.Unparsable(mentioned.isEmpty()
                ? "the answer names none of Image A, Image B, Similar"
                : "the answer names several of Image A, Image B, Similar");
    }
}
