package visq.gpu.tasks;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.Severity;

/**
 * The well-formed answers of a task, as the text that follows {@code <answer>} up to and including
 * {@code </answer>}: what constrained decoding ({@code visq.gpu.generation.AnswerConstraint}) lets a policy write once
 * it opens its answer. Every answer {@link ResponseTemplates} writes is one of them, and each parses with the
 * serving path's reader of the task; a little whitespace is tolerated around the answer and inside the JSON (a
 * pretrained model may write {@code {"rating":3.5}}), but the values are bounded:
 * <ul>
 *   <li>score: {@code {"rating": x}} and score-number: a bare {@code x}, with {@code x} in [1, 5] written with at
 *       most three decimals ({@code 4}, {@code 3.5}, {@code 4.25}, {@code 5.00}), so a greedy answer cannot run on
 *       into {@code 4432} or leave the scale;</li>
 *   <li>degradation: {@code {"distortion_class": c, "severity": s}}, both {@code null} or a known class and severity
 *       ({@link DegradationClass}, {@link Severity});</li>
 *   <li>comparison: {@code Image A}, {@code Image B} or {@code Similar}, optionally quoted, optionally with a final
 *       period.</li>
 * </ul>
 */
public final class AnswerGrammar {

    /** The tag that opens an answer. */
    public static final String OPEN = "<answer>";
    /** The tag that closes it. */
    public static final String CLOSE = "</answer>";

    /** Spaces and newlines only: the JSON reader takes no other whitespace (a vertical tab is a token too). */
    private static final String SPACE = "[ \\n]{0,2}";
    private static final String JSON_SPACE = " ?";
    /** A score in [1, 5] with at most three decimals. */
    private static final String SCORE = "(?:[1-4](?:\\.\\d{1,3})?|5(?:\\.0{1,3})?)";

    private final QualityTask task;
    private final Pattern region;
    private final String alphabet;

    /** {@code example}: an answer, whose characters the alphabet takes besides the tags, digits and words. */
    private AnswerGrammar(QualityTask task, String body, String example) {
        this.task = task;
        this.region = Pattern.compile(SPACE + body + SPACE + Pattern.quote(CLOSE));
        // closing characters and the tags first, optional spaces last: a search finds short answers first
        StringBuilder words = new StringBuilder("}\"<answer/>:,{12345.0" + example + "null");
        Arrays.stream(DegradationClass.values()).forEach(c -> words.append(c.answerName()));
        Arrays.stream(Severity.values()).forEach(s -> words.append(s.answerName()));
        words.append("</think>ImageABSimilar0123456789 \n");
        this.alphabet = words.chars().distinct()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /** The grammar of {@code task}'s answers. */
    public static AnswerGrammar of(QualityTask task) {
        switch (task) {
            case SCORE:
                return new AnswerGrammar(task, "\\{" + JSON_SPACE + "\"rating\"" + JSON_SPACE + ":" + JSON_SPACE
                        + SCORE + JSON_SPACE + "\\}", "{\"rating\": 4.444}");
            case SCORE_NUMBER:
                return new AnswerGrammar(task, SCORE, "4.444");
            case DEGRADATION:
                String classes = alternatives(Arrays.stream(DegradationClass.values())
                        .map(DegradationClass::answerName).toArray(String[]::new));
                String severities = alternatives(Arrays.stream(Severity.values())
                        .map(Severity::answerName).toArray(String[]::new));
                String both = "(?:null" + pair() + "null|\"" + classes + "\"" + pair() + "\"" + severities + "\")";
                return new AnswerGrammar(task, "\\{" + JSON_SPACE + "\"distortion_class\"" + JSON_SPACE + ":"
                        + JSON_SPACE + both + JSON_SPACE + "\\}",
                        "{\"distortion_class\": \"compression\", \"severity\": \"catastrophic\"}");
            case COMPARISON:
                return new AnswerGrammar(task, "(?:\"?(?:Image A|Image B|Similar)\"?\\.?)", "\"Similar\".");
            default:
                throw new IllegalArgumentException("no answer grammar for task " + task.id());
        }
    }

    private static String pair() {
        return JSON_SPACE + "," + JSON_SPACE + "\"severity\"" + JSON_SPACE + ":" + JSON_SPACE;
    }

    private static String alternatives(String[] words) {
        return Arrays.stream(words).map(Pattern::quote).collect(Collectors.joining("|", "(?:", ")"));
    }

    public QualityTask task() {
        return task;
    }

    /** What may follow {@code <answer>}: optional whitespace, one answer, optional whitespace, {@code </answer>}. */
    public Pattern region() {
        return region;
    }

    /**
     * Every character a well-formed answer region (or a forced opening, {@code </think><answer>}) is made of, closing
     * characters first: what a search for a completion tries, in order.
     */
    public String alphabet() {
        return alphabet;
    }

    /** Whether {@code text} is a complete answer region (through {@code </answer>}). */
    public boolean isComplete(String text) {
        return region.matcher(text).matches();
    }

    /** Whether {@code text} is a complete answer region or can still be extended into one. */
    public boolean isViablePrefix(String text) {
        return isViablePrefix(region, text);
    }

    /** Whether {@code text} matches {@code pattern} or can still be extended into a match (the matcher hit its end). */
    public static boolean isViablePrefix(Pattern pattern, CharSequence text) {
        var matcher = pattern.matcher(text);
        return matcher.matches() || matcher.hitEnd();
    }
}
